"""A hostile web server on a loopback address for crawl tests: it breaks HTTP on purpose.

Raw sockets, because a well-behaved HTTP library cannot send a garbage status line or
reset a connection at will. Each path is one misbehaviour; robots.txt itself answers
with garbage, so Scrapy's robots.txt handling meets it too.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

HUGE_HEADER = b"X-Filler: " + b"a" * 1_000_000 + b"\r\n"
PATHS = {
    "/robots.txt": "garbage",
    "/feed.xml": "reset",
    "/sitemap.xml": "garbage",
    "/": "loop",
    "/section": "huge-headers",
    "/empty": "empty",
}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        try:
            request = self._read_head()
            path = request.split(b" ")[1].decode("latin-1") if request.count(b" ") >= 2 else "/"
            behaviour = PATHS.get(path.split("?")[0], "reset")
            getattr(self, "_" + behaviour.replace("-", "_"))(path)
        except OSError:
            pass  # the client hung up first (it gave up on a huge header line, say)

    def _read_head(self) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0]

    def _reset(self, path: str) -> None:
        """A TCP RST before any answer (SO_LINGER 0 makes close() abort)."""
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()

    def _garbage(self, path: str) -> None:
        self.request.sendall(b"HTTP/1.1 banana split\r\n\x00\xff\xfe not a header\r\n\r\n")

    def _loop(self, path: str) -> None:
        """A redirect to the next of endless new URLs."""
        _, _, n = path.partition("?")
        target = f"/?{int(n or 0) + 1}".encode()
        self.request.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: "
            + target
            + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    def _huge_headers(self, path: str) -> None:
        self.request.sendall(b"HTTP/1.1 200 OK\r\n" + HUGE_HEADER + b"Content-Length: 2\r\n\r\nok")

    def _empty(self, path: str) -> None:
        """Closes the connection without a byte."""


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True


class HostileServer:
    """`with HostileServer() as base_url:` serves until the block ends.

    Another loopback address (127.0.0.2, ...) gives a host of its own: Scrapy paces
    requests per host name, so hosts are crawled side by side.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host

    def __enter__(self) -> str:
        self.server = _Server((self.host, 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://{self.host}:{self.server.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
