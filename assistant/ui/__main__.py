"""`python -m assistant.ui [--host H] [--port P] [--auth user:password]`: the same as `assistant serve`.

The UI does not import the CLI (the layer contract): this is argparse over the same three options.
"""

import argparse
import sys

from assistant.ui.safety import UnsafeBindError, check_bind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.ui", description="研报助手网页界面 / Report Assistant web UI")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on; not loopback → --auth required")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=None, help="user:password (or set ASSISTANT_AUTH)")
    args = parser.parse_args(argv)
    from assistant.core.settings import Settings

    try:  # refuse before loading the index or Gradio
        check_bind(args.host, args.auth or Settings().auth or None)
    except UnsafeBindError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    from assistant.ui.app import serve

    serve(host=args.host, port=args.port, auth=args.auth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
