"""WARC digests: one algorithm and encoding collection-wide, `sha1:` + uppercase Base32."""

from __future__ import annotations

import base64
import binascii
import hashlib

EMPTY_SHA1 = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"

# Labels other tools write, mapped to hashlib names (readers must accept all of them).
_ALGORITHMS = {
    "sha1": "sha1",
    "sha-1": "sha1",
    "sha256": "sha256",
    "sha-256": "sha256",
    "sha512": "sha512",
    "sha-512": "sha512",
    "md5": "md5",
}


def sha1_base32(data: bytes) -> str:
    """The digest string redline writes: `sha1:` + 32 uppercase Base32 characters."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


class StreamingDigest:
    """sha1_base32 over data that arrives in pieces."""

    def __init__(self) -> None:
        self._hash = hashlib.sha1()

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def value(self) -> str:
        return "sha1:" + base64.b32encode(self._hash.digest()).decode("ascii")


def decode_digest(value: str) -> tuple[str, bytes] | None:
    """Parse `algo:value` (Base32, hex or Base64, any label spelling) into (hashlib name, raw).

    None when the label or the encoding is not recognised, so callers can skip the check.
    """
    label, sep, encoded = value.strip().partition(":")
    algorithm = _ALGORITHMS.get(label.lower())
    if not sep or algorithm is None:
        return None
    size = hashlib.new(algorithm).digest_size
    for decode in (_decode_base32, _decode_hex, _decode_base64):
        raw = decode(encoded.strip())
        if raw is not None and len(raw) == size:
            return algorithm, raw
    return None


def digest_matches(value: str, data: bytes) -> bool | None:
    """Whether a digest field matches `data`; None when it cannot be checked."""
    decoded = decode_digest(value)
    if decoded is None:  # a known algorithm with an undecodable value cannot match
        return False if value.partition(":")[0].lower() in _ALGORITHMS else None
    algorithm, expected = decoded
    return hashlib.new(algorithm, data).digest() == expected


def _decode_base32(text: str) -> bytes | None:
    try:
        return base64.b32decode(text.upper() + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None


def _decode_hex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _decode_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
