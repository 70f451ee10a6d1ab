"""HTTP mechanics of the local newsroom: gzip, chunk framing, conditional requests, and
the endpoints that misbehave at the connection level (reset, stall, short body)."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from redline.newsroom.model import Reply

if TYPE_CHECKING:
    from redline.newsroom import Newsroom

CHUNK_SIZE = 4096


class NewsroomServer(ThreadingHTTPServer):
    """Keeps its open connections so `close_connections` can end idle keep-alives."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], newsroom: Newsroom) -> None:
        super().__init__(address, NewsroomHandler)
        self.newsroom = newsroom
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def close_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class NewsroomHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "RivertonCourier/1.0"
    server: NewsroomServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass  # the client (or /bad/reset) already tore the connection down

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test log is `newsroom.requests`."""

    def _serve(self, head: bool) -> None:
        newsroom = self.server.newsroom
        newsroom.log_request(self.command, self.path, dict(self.headers.items()))
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        misbehave = {
            "/bad/reset": self._reset,
            "/bad/stall": self._stall,
            "/bad/short": self._short,
        }
        try:
            if path in misbehave:
                misbehave[path]()
            else:
                self.send_reply(newsroom.route(path), head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_reply(self, reply: Reply, head: bool = False) -> None:
        if reply.status == 200 and self._not_modified(reply):
            return self._send_headers(304, self._validators(reply, gzip_body=False))
        body, headers = reply.body, [("Content-Type", reply.content_type), *reply.headers]
        if reply.compressible:
            headers.append(("Vary", "Accept-Encoding"))
            if self._accepts_gzip() and body:
                body = gzip.compress(body, compresslevel=6, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        headers += self._validators(reply, gzip_body=("Content-Encoding", "gzip") in headers)
        if reply.chunked and not head:
            self._send_headers(reply.status, [*headers, ("Transfer-Encoding", "chunked")])
            return self._write_chunked(body)
        self._send_headers(reply.status, [*headers, ("Content-Length", str(len(body)))])
        if not head:
            self.wfile.write(body)

    def _send_headers(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status == 304:
            self.send_header("Content-Length", "0")
        self.end_headers()

    def _write_chunked(self, body: bytes) -> None:
        for start in range(0, len(body), CHUNK_SIZE):
            chunk = body[start : start + CHUNK_SIZE]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def _validators(self, reply: Reply, gzip_body: bool) -> list[tuple[str, str]]:
        # A strong ETag names one representation, so the gzipped one gets its own (as Apache does).
        headers = []
        if reply.etag:
            headers.append(("ETag", f'"{reply.etag}-gzip"' if gzip_body else f'"{reply.etag}"'))
        if reply.last_modified:
            headers.append(("Last-Modified", format_datetime(reply.last_modified, usegmt=True)))
        return headers

    def _not_modified(self, reply: Reply) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match and reply.etag:
            tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
            return "*" in tags or bool({reply.etag, f"{reply.etag}-gzip"} & tags)
        since = self.headers.get("If-Modified-Since")
        if since and reply.last_modified:
            try:
                return reply.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _accepts_gzip(self) -> bool:
        for token in self.headers.get("Accept-Encoding", "").lower().split(","):
            name, _, params = token.strip().partition(";")
            if name.strip() in ("gzip", "*"):
                return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        return False

    def _reset(self) -> None:
        """Headers and part of the body, then a TCP RST (SO_LINGER 0 makes close() abort)."""
        self._send_headers(200, [("Content-Type", "text/html"), ("Content-Length", "100000")])
        self.wfile.write(b"<!DOCTYPE html><html><body><p>" + b"partial " * 500)
        linger = struct.pack("ii", 1, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.close_connection = True
        self.connection.close()

    def _stall(self) -> None:
        """Headers and a few bytes, then silence until `stall_seconds` pass or the server stops."""
        self._send_headers(200, [("Content-Type", "text/html"), ("Content-Length", "5000")])
        self.wfile.write(b"<!DOCTYPE html><html><body>")
        self.server.newsroom.stopping.wait(min(self.server.newsroom.stall_seconds, 30.0))
        self.close_connection = True

    def _short(self) -> None:
        """Content-Length promises 5000 bytes; 1000 arrive before the connection closes."""
        self._send_headers(200, [("Content-Type", "text/html"), ("Content-Length", "5000")])
        self.wfile.write((b"<!DOCTYPE html><html><body><p>" + b"short body " * 200)[:1000])
        self.close_connection = True
