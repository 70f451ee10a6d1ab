"""Test helper (not a test file): pywb and py-wacz, run as programs from `.tools-venv`.

pywb pins old redis/fakeredis and needs pkg_resources, so it lives in its own virtualenv
(made by tools/install-tools.sh) and is only ever run as a subprocess.

    with PywbCollection([warc_path]) as pywb:
        status, headers, body = pywb.fetch_id("http://example.com/", "20170306040206")
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import shutil
import socket
import subprocess
import tempfile
import time
import zlib
from collections.abc import Sequence
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from typing_extensions import Self

ROOT = Path(__file__).resolve().parent.parent
TOOLS_VENV = ROOT / ".tools-venv"
INSTALLER = ROOT / "tools" / "install-tools.sh"
START_TIMEOUT = 60.0
_install_attempt: list[str] = []  # one install attempt per test session; holds its failure


def tools_bin(name: str) -> Path:
    """Path of a program in .tools-venv, installing the tools once; skips the test if absent."""
    path = TOOLS_VENV / "bin" / name
    if not path.exists() and not _install_attempt:
        _install_attempt.append(install_tools())
    if not path.exists():
        reason = _install_attempt[0] if _install_attempt else ""
        pytest.skip(f"{path} is missing (run tools/install-tools.sh){reason}")
    return path


def install_tools() -> str:
    """Run tools/install-tools.sh; returns '' or a short reason it failed."""
    try:
        done = subprocess.run(
            ["bash", str(INSTALLER)], capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f": install failed: {exc}"
    tail = (done.stderr.strip().splitlines() or [""])[-1]
    return "" if done.returncode == 0 else f": install failed: {tail}"


def run_tool(args: list[str], cwd: Path, timeout: float = 120) -> str:
    """Run a tools-venv program; fail the test with its output if it exits non-zero."""
    done = subprocess.run(
        [str(tools_bin(args[0])), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PywbCollection:
    """A pywb collection of the given WARCs (and WACZs), served by `wayback` on 127.0.0.1."""

    def __init__(self, warcs: Sequence[Path] = (), *, waczs: Sequence[Path] = (), name="t"):
        self.warcs = [Path(p) for p in warcs]
        self.waczs = [Path(p) for p in waczs]
        self.name = name
        self.port = 0
        self.root: Path | None = None
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        self.root = Path(tempfile.mkdtemp(prefix="pywb-"))
        try:
            self.build_collection()
            self.start_server()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def build_collection(self) -> None:
        run_tool(["wb-manager", "init", self.name], self.root)
        if self.warcs:
            run_tool(["wb-manager", "add", self.name, *map(str, self.warcs)], self.root)
        for wacz in self.waczs:
            run_tool(["wb-manager", "add", "--unpack-wacz", self.name, str(wacz)], self.root)

    def start_server(self) -> None:
        """Start wayback on a free port; another port when the one chosen was taken
        meanwhile (a busy machine's other tests pick free ports too)."""
        for _ in range(3):
            self.port = free_port()
            log = open(self.root / "wayback.log", "wb")  # noqa: SIM115 (closed with the process)
            with log:
                self.process = subprocess.Popen(
                    [str(tools_bin("wayback")), "-b", "127.0.0.1", "-p", str(self.port)],
                    cwd=self.root,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self.wait_until_answering():
                return
            if "Address already in use" not in self.log_tail():
                break
        pytest.fail(f"wayback exited {self.process.returncode}:\n{self.log_tail()}")

    def wait_until_answering(self) -> bool:
        """True once it answers; False when it exited."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                status, _, _ = self.get("/")
                if status == 200:
                    return True
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"wayback did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return (self.root / "wayback.log").read_text(errors="replace")[-3000:]

    def get(self, path: str) -> tuple[int, Message, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def fetch_id(
        self, url: str, timestamp: str | None = None, *, decode: bool = True
    ) -> tuple[int, Message, bytes]:
        """GET /<coll>/<ts>id_/<url>: the capture closest to `timestamp` (default: now), as
        archived. Follows pywb's own redirect to the exact timestamp (never an archived
        redirect) and, with `decode`, undoes a gzip/deflate Content-Encoding."""
        return self.fetch(url, timestamp, "id_", decode=decode)

    def fetch(
        self, url: str, timestamp: str | None = None, modifier: str = "", *, decode: bool = True
    ) -> tuple[int, Message, bytes]:
        """GET /<coll>/<ts><modifier>/<url>: `id_` as archived, `mp_` the page rewritten
        for replay as a reader's browser gets it in pywb's frame; see fetch_id."""
        ts = timestamp or dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        base = f"/{self.name}/"
        status, headers, body = self.get(f"{base}{ts}{modifier}/{url}")
        location = urlsplit(headers.get("Location") or "")
        same_server = location.port in (None, self.port) and location.hostname in (
            None,
            "127.0.0.1",
        )
        if status in (301, 302, 307) and same_server and location.path.startswith(base):
            target = location.path + (f"?{location.query}" if location.query else "")
            status, headers, body = self.get(target)
        return status, headers, decode_body(headers, body) if decode else body


def h1_text(html: bytes) -> str | None:
    """The text of a page's first <h1>, whitespace collapsed; None without one."""
    parser = _FirstH1()
    parser.feed(html.decode("utf-8", "replace"))
    parser.close()
    return " ".join("".join(parser.parts).split()) if parser.found else None


class _FirstH1(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.found = self.inside = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "h1" and not self.found:
            self.found = self.inside = True

    def handle_endtag(self, tag) -> None:
        if tag == "h1":
            self.inside = False

    def handle_data(self, data) -> None:
        if self.inside:
            self.parts.append(data)


def decode_body(headers: Message, body: bytes) -> bytes:
    encoding = (headers.get("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)
    return body
