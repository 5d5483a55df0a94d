"""Elasticsearch goes away in the middle of a batch: the batch still finishes its OCR and archive
work, the catalog keeps what is not indexed, and the next run indexes it, each file exactly once.

The real server sits behind a small TCP relay; cutting the relay is the server going down, as a
dead network or a stopped node looks to the client, without stopping the suite's shared server.
"""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from flows.batch import run_inbox
from indexers import SearchQuery, open_index
from tests.conftest import SAMPLES, copy_stack


class Relay:
    """Forwards a local port to the Elasticsearch server until `cut()`."""

    def __init__(self, target_url: str):
        parsed = urlparse(target_url)
        self.target = (parsed.hostname, parsed.port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.open = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.open = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def restore(self) -> None:
        self.open = True


def indexed_count(home: Path) -> int:
    try:
        with sqlite3.connect(home / "catalog.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM record_files WHERE indexed = 1").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_server_down_mid_batch_then_rerun_indexes_every_file_exactly_once(tmp_path, settings, es_settings):
    # GIVEN two nights of scans and Elasticsearch reached through a relay
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    for night in ("kokernag/2026-11-20", "bijbehara/2026-11-21"):
        for source in (SAMPLES / "inbox" / "anantnag" / night).iterdir():
            copy_stack(source, inbox / "anantnag" / night)
    relay = Relay(es_settings.url)
    es = es_settings.model_copy(update={"url": relay.url})
    settings = settings.model_copy(update={"index": settings.index.model_copy(update={"backend": "elasticsearch", "elasticsearch": es})})

    # WHEN the server goes away once the first record file is indexed
    def cut_after_first() -> None:
        deadline = time.time() + 600
        while indexed_count(home) == 0 and time.time() < deadline:
            time.sleep(0.1)
        relay.cut()

    cutter = threading.Thread(target=cut_after_first, daemon=True)
    cutter.start()
    first = run_inbox(inbox, home, settings, dt.datetime(2026, 11, 21, 23, 0))
    cutter.join()

    # THEN the batch finished its archive work and kept the rest pending
    assert len(first.done) == 5 and not first.waiting
    assert first.index_pending > 0 and first.index_error

    # WHEN the server is back and the batch runs again
    relay.restore()
    second = run_inbox(inbox, home, settings, dt.datetime(2026, 11, 22, 23, 0))

    # THEN nothing was processed twice and every record file is searchable exactly once
    assert second.done == [] and second.index_pending == 0
    index = open_index(home, settings.model_copy(update={"index": settings.index.model_copy(
        update={"elasticsearch": es_settings})}))
    try:
        assert index.count() == 5
        for line in first.done:
            assert index.lookup(line.what) is not None, line.what
        hits = index.search(SearchQuery(text="jamabandi", limit=50)).hits
        assert len({(h.file_id, h.page) for h in hits}) == len(hits)
    finally:
        index.close()
