"""How commands print what is for machines."""

from __future__ import annotations

import json

import click


def echo_json(data) -> None:
    """Lists print one object per line: readable, and json's fast C encoder does the work
    (indent= falls back to the pure-Python encoder, 10x slower on a big change log). One
    encoder for every line, as json.dumps(item, ensure_ascii=False) would print it; no
    check for cycles, which values read from the index cannot have."""
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
        lines = ",\n".join(map(encode, data))
        click.echo(f"[\n{lines}\n]" if data else "[]")
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
