"""Catalog.pinned: one generation for one question, per thread; a commit meanwhile is seen after it (or when asked
`fresh`), and another thread never sees the pin."""

from __future__ import annotations

import threading

from assistant.ingest.store.catalog import Catalog


def _commit(catalog: Catalog) -> None:
    with catalog._tx() as db:
        Catalog._bump(db)


def test_pinned_holds_one_generation_and_releases_it(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    other = Catalog(tmp_path / "catalog.sqlite")  # another process's connection
    start = catalog.generation()
    with catalog.pinned():
        _commit(other)
        assert catalog.generation() == start
        assert catalog.generation(fresh=True) == start + 1
        with catalog.pinned():  # nested: the outer pin stays
            assert catalog.generation() == start
        assert catalog.generation() == start
        seen: list[int] = []
        worker = threading.Thread(target=lambda: seen.append(catalog.generation()))
        worker.start()
        worker.join()
        assert seen == [start + 1]
    assert catalog.generation() == start + 1


def test_pin_is_released_when_the_question_fails(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    start = catalog.generation()
    try:
        with catalog.pinned():
            _commit(catalog)
            raise RuntimeError("answer failed")
    except RuntimeError:
        pass
    assert catalog.generation() == start + 1
