"""A fake FirstAgenda publication site on 127.0.0.1:0, serving a synthetic fixture written for the tests.

``FakeSite`` answers ``/api/agenda/udvalgsliste`` and ``/api/agenda/dagsorden/{id}`` from ``committees`` and
``meetings`` (plain dicts the test may change between runs), records every request path, and can misbehave
per path: a queue of ``Trouble`` answers is served before the real one (a status, a Retry-After, a hang, an
HTML page, a huge or truncated body, a redirect).
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Trouble:
    status: int = 200
    body: bytes | None = None  # instead of the real answer
    retry_after: str | None = None
    hang: float = 0.0  # seconds to wait before answering
    huge: int = 0  # stream this many bytes of junk instead (no Content-Length when ``chunked``)
    chunked: bool = False
    location: str | None = None  # a redirect


def meeting_doc(meeting_id: str, committee: str, when: str, punkter: list[dict], concluded: bool = True) -> dict:
    """A meeting as the publication API answers it (the shape of ../shared/corpus/greve)."""
    return {"Id": meeting_id, "Udvalg": {"Navn": committee},
            "Moede": {"Id": "00000000-0000-0000-0000-000000000000", "Dato": when, "Sted": "Rådhuset",
                      "Afsluttet": concluded, "Moededeltagere": [{"Name": "Anne Andersen"}]},
            "Dagsordenpunkter": punkter}


def punkt_doc(number: int, title: str, case: str, punkt_id: str, decision: str | None, sagsfremstilling: str,
              bilag: list[tuple[str, str]] = ()) -> dict:
    html = f"<h3>Sagsfremstilling</h3><p>{sagsfremstilling}</p>"
    if decision is not None:
        html = f"<h3>Beslutning</h3><p>{decision}</p>" + html
    return {"Id": punkt_id, "Punktnummer": number, "Navn": title, "SagsNummer": case, "IsOpen": False,
            "Felter": [{"Navn": "", "Html": html}],
            "Bilag": [{"Id": bid, "Navn": name, "HarPdfVersion": "true"} for bid, name in bilag]}


class FakeSite:
    def __init__(self) -> None:
        self.committees: dict[str, list[tuple[str, str]]] = {}  # committee -> [(meeting id, ISO date)]
        self.meetings: dict[str, dict] = {}
        self.trouble: dict[str, list[Trouble]] = defaultdict(list)
        self.requests: list[str] = []
        self.user_agents: set[str] = set()
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with site.lock:
                    site.requests.append(path)
                    site.user_agents.add(self.headers.get("User-Agent", ""))
                    trouble = site.trouble[path].pop(0) if site.trouble.get(path) else None
                try:
                    site._answer(self, path, trouble)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a refused body, a timeout)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def add(self, doc: dict, list_date: str | None = None) -> None:
        """Publish a meeting document (and list it under its committee)."""
        mid = doc["Id"]
        self.meetings[mid] = doc
        entries = self.committees.setdefault(doc["Udvalg"]["Navn"], [])
        entries[:] = [e for e in entries if e[0] != mid] + [(mid, list_date or doc["Moede"]["Dato"])]

    def udvalgsliste(self) -> dict:
        committees = [{"Navn": name, "Id": f"u{i}", "Moeder": [{"Id": mid, "Dato": date} for mid, date in ms]}
                      for i, (name, ms) in enumerate(sorted(self.committees.items()))]
        return {"Udvalg": {"Aktuelle politiske udvalg": committees, "Tidligere udvalg": [],
                           "Sidst opdateret": "2026-11-30"}}

    def meeting_requests(self) -> list[str]:
        return [p.rsplit("/", 1)[1] for p in self.requests if p.startswith("/api/agenda/dagsorden/")]

    def _answer(self, h: BaseHTTPRequestHandler, path: str, trouble: Trouble | None) -> None:
        if trouble and trouble.hang:
            time.sleep(trouble.hang)
        if trouble and trouble.location:
            return self._send(h, 302, b"", extra={"Location": trouble.location})
        if trouble and trouble.huge:
            return self._stream_junk(h, trouble.huge, trouble.chunked)
        if trouble and (trouble.status != 200 or trouble.body is not None):
            extra = {"Retry-After": trouble.retry_after} if trouble.retry_after else {}
            kind = "text/html" if (trouble.body or b"").lstrip().startswith(b"<") else "application/json"
            return self._send(h, trouble.status, trouble.body or b'{"error": "nej"}', kind, extra)
        if path == "/api/agenda/udvalgsliste":
            return self._send(h, 200, json.dumps(self.udvalgsliste()).encode())
        if path.startswith("/api/agenda/dagsorden/") and path.rsplit("/", 1)[1] in self.meetings:
            return self._send(h, 200, json.dumps(self.meetings[path.rsplit("/", 1)[1]], ensure_ascii=False).encode())
        return self._send(h, 404, b'{"error": "not found"}')

    def _send(self, h, status: int, body: bytes, kind: str = "application/json; charset=utf-8",
              extra: dict | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def _stream_junk(self, h, size: int, chunked: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        block = b"[" + b"1," * 32767 + b"1]"[:1]
        sent = 0
        while sent < size:
            piece = block[:min(len(block), size - sent)]
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            h.wfile.write(b"0\r\n\r\n")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
