"""The index has one owner: all SQL in archive/index*.py, one open_index, frozen rows, and
verdicts and change kinds defined once. Checked on the source, and on a real index."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from archive import index, index_queries
from archive.index_rows import ArticleRow, ChangeKind, Verdict
from archive.index_schema import IndexOutdated, migrations, open_index

ROOT = Path(__file__).resolve().parent.parent
# The product's packages. Not scanned: tests/ (they assert on the tables themselves) and
# bench/ (it builds synthetic million-row indexes in bulk, not through the index's API).
PACKAGES = ("archive", "redline", "crawler", "diffing")
# What may still hold SQL outside archive/index*.py, and why.
EXEMPT: dict[str, str] = {}
SQL = re.compile(
    r"\b(select\s.+\sfrom|insert\s+(or\s+\w+\s+)?into|update\s+\w+\s+set|delete\s+from"
    r"|create\s+(virtual\s+)?(table|index)|drop\s+table|alter\s+table|pragma\s+\w+)\b",
    re.IGNORECASE | re.DOTALL,
)
# sqlite-utils' table helpers, which write or read without a line of SQL in sight.
TABLE_CALLS = {
    "rows_where",
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "delete_where",
    "lookup",
    "create",
    "create_index",
    "enable_fts",
}


def _owned(path: Path) -> bool:
    return path.parent.name == "archive" and path.name.startswith("index")


def _sources() -> list[Path]:
    return [
        p
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if not _owned(p) and str(p.relative_to(ROOT)) not in EXEMPT
    ]


def _text_of(node: ast.AST) -> str:
    """A literal's text; an f-string's literal parts joined (`{...}` as a placeholder)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "x".join(_text_of(v) for v in node.values)
    return ""


def sql_in(source: str) -> list[str]:
    """Each SQL-looking string literal, and each sqlite-utils table call on `db[...]`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        text = _text_of(node)
        if text and SQL.search(text):
            found.append(f"line {node.lineno}: {text.strip()[:60]!r}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TABLE_CALLS
            and isinstance(node.func.value, ast.Subscript)
        ):
            found.append(f"line {node.lineno}: db[...].{node.func.attr}()")
    return found


def test_no_sql_outside_the_index_modules():
    offences = [f"{p.relative_to(ROOT)} {hit}" for p in _sources() for hit in sql_in(p.read_text())]
    assert offences == [], "SQL belongs in archive/index*.py as a named function:\n" + "\n".join(
        offences
    )


def test_the_checker_finds_sql_however_it_is_written():
    source = (
        'db.execute("SELECT id FROM articles WHERE url = ?", [u])\n'
        'sql = f"update {table} set x = ?"\n'
        'db.conn.executemany("delete from captures where id = ?", ids)\n'
        'db["articles"].rows_where("site = ?", [s])\n'
        'print("select a colour from the list")\n'  # prose: "select ... from" is caught
    )
    assert len(sql_in(source)) == 5
    assert sql_in('print("Choose the update you want")\nitems.insert(0, x)\n') == []


def test_the_exemptions_still_exist_and_still_need_it():
    for name in EXEMPT:
        path = ROOT / name
        if path.exists():
            assert sql_in(path.read_text()), f"{name} holds no SQL now: drop its exemption"


def test_one_way_to_open_the_index():
    opened = [
        f"{p.relative_to(ROOT)}"
        for p in _sources()
        if re.search(r"sqlite3\.connect\(|sqlite_utils\.Database\(", p.read_text())
    ]
    assert opened == []
    assert not hasattr(index, "open_index_readonly")


@pytest.fixture
def current(tmp_path) -> Path:
    path = tmp_path / "redline.db"
    db = open_index(path)
    db.execute("PRAGMA journal_mode=DELETE")  # so that any write would show in the file
    db.conn.close()
    return path


def test_a_reader_never_writes_and_cannot(current):
    before = hashlib.sha256(current.read_bytes()).hexdigest()
    db = open_index(current, readonly=True)
    assert index_queries.has_table(db, "articles")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        index.ensure_site(db, "x")
    db.conn.close()
    assert hashlib.sha256(current.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in current.parent.iterdir()) == ["redline.db"]


def test_a_reader_of_an_older_schema_says_so_in_one_line_and_migrates_nothing(tmp_path):
    current = tmp_path / "redline.db"
    db = sqlite_utils.Database(current)  # an index from before every migration we have
    migrations.ensure_migrations_table(db)
    db.conn.close()
    before = hashlib.sha256(current.read_bytes()).hexdigest()
    with pytest.raises(IndexOutdated) as raised:
        open_index(current, readonly=True)
    assert raised.value.exit_code == 73
    assert "\n" not in raised.value.message and "older schema" in raised.value.message
    assert str(current) in raised.value.message and "m001_initial" in raised.value.message
    assert isinstance(raised.value, sqlite3.DatabaseError), "the CLI's index handler catches it"
    assert hashlib.sha256(current.read_bytes()).hexdigest() == before, "nothing migrated"
    open_index(current).conn.close()  # a writer migrates it...
    open_index(current, readonly=True).conn.close()  # ...and readers read it again


def test_rows_that_leave_the_index_are_frozen(current):
    db = open_index(current)
    index.ensure_site(db, "news")
    article_id = index.insert_article(
        db, {"url": "https://n.example/a", "site": "news", "status": "live"}
    )
    row = index.article_by_url(db, "https://n.example/a")
    assert isinstance(row, ArticleRow) and row.id == article_id and row.site == "news"
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "removed"
    assert index.article_by_id(db, article_id) == row
    db.conn.close()


def test_verdicts_and_kinds_are_defined_once_and_stored_as_text():
    from diffing.compare import KINDS
    from redline.config import CHANGE_KINDS

    assert set(KINDS) <= set(ChangeKind), "diffing's text kinds are kinds of the index"
    assert CHANGE_KINDS == tuple(ChangeKind)
    assert [str(v) for v in Verdict] == [
        "new",
        "changed",
        "unchanged",
        "error",
        "removed",
        "restored",
        "moved",
        "skipped",
        "refetched",
    ]
    assert Verdict.NEW == "new" and f"{Verdict.MOVED}" == "moved"


def test_the_light_opener_knows_every_migration():
    """Readers check the schema without sqlite-utils, from a list of migration names."""
    from archive.index_open import MIGRATIONS

    assert list(MIGRATIONS) == [m.name for m in migrations._migrations]


def test_a_reading_command_does_not_import_sqlite_utils(current):
    import subprocess
    import sys

    code = (
        "import sys; from archive.index_open import connect_readonly;"
        f" connect_readonly(__import__('pathlib').Path({str(current)!r})).close();"
        " print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr
