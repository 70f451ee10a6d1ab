"""Decompression bombs: `redline ingest` finishes in bounded memory and names each one.

The bombs inflate to 1 GiB; they are built without compressing 1 GiB (deflate output
after a full flush repeats for repeated input), so making them takes a second.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path


from archive.warc_build import build_record, gzip_member, new_record_id
from tests.crawling import ROOT, write_config

GIB = 1 << 30
_CHUNK = 1 << 24
# Runs the command as a child and prints its exit status and peak memory (KiB) first.
MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)\n"
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stdout.write(r.stdout)\n"
)


def gzip_of_zeros(size: int, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """One gzip member of prefix + `size` zero bytes + suffix (`size` a multiple of 16 MiB)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(_CHUNK)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.compress(suffix) + deflate.flush()
    crc = zlib.crc32(prefix)
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(suffix, crc)
    trailer = struct.pack("<II", crc, (len(prefix) + size + len(suffix)) & 0xFFFFFFFF)
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + head
        + block * (size // _CHUNK)
        + tail
        + trailer
    )


def brotli_of_zeros(size: int) -> bytes:
    import brotli

    packer, zeros = brotli.Compressor(quality=1), bytes(_CHUNK)
    return b"".join(packer.process(zeros) for _ in range(size // _CHUNK)) + packer.finish()


def warc_head(uri: str, length: int) -> bytes:
    fields = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", new_record_id()),
        ("WARC-Date", "2024-05-01T10:00:00Z"),
        ("WARC-Target-URI", uri),
        ("Content-Type", "application/http;msgtype=response"),
        ("Content-Length", str(length)),
    ]
    return ("WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode()


def encoded_response(uri: str, coding: str, body: bytes) -> bytes:
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {coding}\r\n\r\n".encode()
        + body
    )
    fields = [
        ("WARC-Type", "response"),
        ("WARC-Record-ID", new_record_id()),
        ("WARC-Date", "2024-05-01T10:00:00Z"),
        ("WARC-Target-URI", uri),
        ("Content-Type", "application/http;msgtype=response"),
    ]
    return gzip_member(build_record(fields, http))


def test_gzip_and_content_encoding_bombs_end_in_bounded_memory(tmp_path: Path):
    config = write_config(tmp_path, "https://news.example", max_page_bytes=1_000_000)
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    bombs = {
        # one gzip member inflating to 1 GiB of zeros: a record that big
        "member.warc.gz": gzip_of_zeros(
            GIB, warc_head("https://news.example/a", len(block) + GIB) + block, b"\r\n\r\n"
        ),
        # a record that declares 2 GiB and holds a few bytes
        "declares.warc": warc_head("https://news.example/b", 2 * GIB) + block + b"short",
        # pages whose HTTP content-encoding inflates to 1 GiB
        "gzip-encoded.warc.gz": encoded_response(
            "https://news.example/c", "gzip", gzip_of_zeros(GIB)
        ),
        "brotli-encoded.warc.gz": encoded_response(
            "https://news.example/d", "br", brotli_of_zeros(GIB)
        ),
    }
    for name, data in bombs.items():
        assert len(data) < 2_000_000, name
        (tmp_path / name).write_bytes(data)
    command = [
        sys.executable,
        "-m",
        "redline",
        "-c",
        str(config),
        "ingest",
        "--json",
        *(str(tmp_path / name) for name in bombs),
    ]
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=ROOT,
    )
    first, _, rest = out.stdout.partition("\n")
    code, peak_kib = map(int, first.split())
    report = json.loads(rest)
    assert code == 65, out.stderr[-2000:]
    assert peak_kib < 400_000, f"peak memory {peak_kib} KiB"
    faulty = {line.split(":", 1)[0] for line in report["faults"]}
    assert faulty == set(bombs), report["faults"]
    assert report["refused"] == []
