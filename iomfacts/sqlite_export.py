"""data/iom-facts.sqlite: the data package's tables as one SQLite file, ready for Datasette.

Built with sqlite-utils from the same tables as data/datapackage.json (types, primary and
foreign keys), with a full-text index on statements and quotes. Written to a temporary file
and read back as bytes, so the generator can put it in the docs tree like any other file;
the same content gives the same bytes (fixed row order, no timestamps).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile

import sqlite_utils

from .data_package import Table

_TYPES = {"integer": int, "number": float, "boolean": int, "string": str}


def _columns(table: Table) -> dict[str, type]:
    return {field["name"]: _TYPES[field["type"]] for field in table.fields}


def _quoted(name: str) -> str:
    """An SQL identifier (our table and column names are plain, but never trust that)."""
    return '"' + name.replace('"', '""') + '"'


def _in_dependency_order(all_tables: list[Table]) -> list[Table]:
    ordered: list[Table] = []
    pending = list(all_tables)
    while pending:
        ready = [t for t in pending if all(k["reference"]["resource"] in {o.name for o in ordered} | {t.name}
                                           for k in t.foreign_keys)]
        if not ready:  # a cycle: keep the package's order for the rest
            ready = pending[:1]
        ordered.append(ready[0])
        pending.remove(ready[0])
    return ordered


def sqlite_bytes(all_tables: list[Table], rows: dict[str, list[dict]]) -> bytes:
    """The tables in one database: each table's own rows, or for the tables exports.py writes
    (facts, staff, funding) the rows it made for its CSV files, given in `rows` by table name."""
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    try:
        connection = sqlite3.connect(path, isolation_level=None)
        # A scratch file read back whole: no journal and no fsync (they were most of the time);
        # one transaction for all rows. Neither setting is stored in the file.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        database = sqlite_utils.Database(connection)
        connection.execute("BEGIN")
        for table in _in_dependency_order(all_tables):  # a table after the tables it refers to
            foreign_keys = [(key["fields"][0], key["reference"]["resource"], key["reference"]["fields"][0])
                            for key in table.foreign_keys]
            database[table.name].create(_columns(table), pk=tuple(table.primary_key) or None,
                                        foreign_keys=foreign_keys,
                                        not_null={f["name"] for f in table.fields
                                                  if f.get("constraints", {}).get("required")})
            data = table.rows if table.write_csv else rows.get(table.name, [])
            names = list(_columns(table))
            # executemany with one prepared statement: sqlite-utils' insert_all builds its query
            # per batch in Python, which cost seconds at 10,000 facts.
            connection.executemany(
                f"INSERT INTO {_quoted(table.name)} ({', '.join(map(_quoted, names))}) "
                f"VALUES ({', '.join('?' * len(names))})",
                ([row.get(name) for name in names] for row in data))
        connection.execute("COMMIT")
        database["facts"].enable_fts(["statement", "quote"], create_triggers=False, tokenize="porter")
        connection.execute("VACUUM")
        connection.close()
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)
