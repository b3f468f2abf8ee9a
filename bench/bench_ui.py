"""The UI's API endpoint under load: `gradio_client.Client(url).predict(q, api_name="/ask")`, 1 and 20 clients.

    PYTHONPATH=. python bench/bench_ui.py                    # ×1 index (real e5), 1 client then 20 clients
    PYTHONPATH=. python bench/bench_ui.py --scale 100 --clients 1 --clients 20 --per-client 20

The app is built as `assistant serve` builds it (build_app + queue(default_concurrency_limit=CONCURRENCY)) and
launched in this process on a free loopback port. Each client is its own gradio_client.Client (own connection);
with N clients every client asks --per-client questions of evals/qa.jsonl (each from its own starting point)
as fast as answers come back. Latency is per predict() call, as the caller sees it; throughput = asks / wall time.
"""

from __future__ import annotations

import argparse
import threading
import time

from common import free_port, http_ok, machine, questions, save, summary_ms


def client_loop(url: str, qs: list[str], start: int, n: int, lat: list[float], errors: list[str],
                barrier: threading.Barrier) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001
        errors.append(f"connect: {type(exc).__name__}: {exc}")
        barrier.abort()
        return
    try:
        barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        return
    for j in range(n):
        q = qs[(start + j) % len(qs)]
        t = time.perf_counter()
        try:
            out = client.predict(q, api_name="/ask")
            if not isinstance(out, dict) or "answer" not in out:
                errors.append(f"bad result for {q!r}: {str(out)[:200]}")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        lat.append((time.perf_counter() - t) * 1000)
    client.close() if hasattr(client, "close") else None


def load_test(url: str, qs: list[str], clients: int, per_client: int) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=client_loop, args=(url, qs, (i * 7) % len(qs), per_client, lat, errors,
                                                         barrier), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait(timeout=300)
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"clients": clients, "asks": len(lat), "errors": len(errors), "error_examples": errors[:3],
            "latency": summary_ms(lat), "throughput_per_s": round(len(lat) / wall, 2), "wall_s": round(wall, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description="UI API benchmark")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--clients", type=int, action="append", help="repeatable; default 1 and 20")
    ap.add_argument("--per-client", type=int, default=0, help="questions per client (default: all 73 for one "
                                                                "client, 15 each with more)")
    a = ap.parse_args()
    start = machine()  # the load average before this run adds its own

    from bench_query import open_assistant

    from assistant.ui.app import CONCURRENCY, build_app, launch_kwargs

    assistant, embed = open_assistant(a.scale)
    assistant.ask("北京的智算算力规划是多少？")  # load the snapshot, jieba and targets before the clock starts
    port = free_port()
    demo = build_app(assistant, assistant.settings)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True,
                **launch_kwargs(assistant.settings))
    url = f"http://127.0.0.1:{port}/"
    assert http_ok(url), "the page does not answer"
    qs = questions()
    results = []
    try:
        load_test(url, qs, 1, 5)  # warm-up: the client's first calls and the queue
        for n in a.clients or [1, 20]:
            per = a.per_client or (len(qs) if n == 1 else 15)
            r = load_test(url, qs, n, per)
            r.update({"scale": a.scale, "embed": embed, "concurrency_limit": CONCURRENCY})
            lat = r["latency"]
            print(f"×{a.scale} {n:>2} client(s): p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max "
                  f"{lat['max_ms']} ms, {r['throughput_per_s']} asks/s, {r['asks']} asks, {r['errors']} errors "
                  f"{r['error_examples'] if r['errors'] else ''}", flush=True)
            results.append(r)
    finally:
        demo.close()
    print("saved", save(f"ui-x{a.scale}", {"machine": start, "results": results}))


if __name__ == "__main__":
    main()
