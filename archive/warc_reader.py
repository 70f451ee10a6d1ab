"""Tolerant reader for WARC 1.0/1.1 and ARC files, ours and other tools'.

Bad input never raises from `iter_records`: each problem becomes a WarcFault naming the
file, offset and what is wrong, and every record that can be read is still yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from archive.digest import digest_matches
from archive.warc_source import (
    ArchiveError,
    RawRecord,
    WarcFault,
    iter_raw_records,
    open_at,
)
from archive.http_message import HttpMessage, parse_http_block, decode_payload

__all__ = [
    "ArchiveError",
    "RawRecord",
    "WarcFault",
    "WarcRecord",
    "iter_raw_records",
    "iter_records",
    "read_record",
]
