"""storeq.py - read a test's store whatever the backend under test.

connect(target) takes what lib.sh's db() gives: a SQLite path (then it is
sqlite3.connect) or a PostgreSQL URL, for which it returns a minimal
sqlite3-like connection that runs each query through psql (no driver
needed). Only what the tests use: execute(sql, params).fetchone()/
fetchall()/iteration; `?` placeholders are filled with quoted literals
(test data only). Integer-looking values come back as int, SQL NULL as None.
"""
import csv
import io
import os
import re
import sqlite3
import subprocess

_INT = re.compile(r"-?\d+\Z")


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


class _Rows:
    def __init__(self, rows):
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return list(self.rows)

    def __iter__(self):
        return iter(self.rows)


class _Pg:
    def __init__(self, url):
        self.url = url
        self.psql = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")

    def execute(self, sql, params=()):
        parts = sql.split("?")
        if len(parts) - 1 != len(params):
            raise ValueError("placeholders and parameters differ: " + sql)
        text = parts[0] + "".join(_literal(p) + rest for p, rest in zip(params, parts[1:]))
        # NULL is printed as a marker no test value contains
        out = subprocess.run([self.psql, self.url, "-XAtq", "--csv", "-v", "ON_ERROR_STOP=1",
                              "-P", "null=\x01", "-c", text],
                             check=True, capture_output=True, text=True).stdout
        rows = []
        for r in csv.reader(io.StringIO(out)):
            rows.append(tuple(None if v == "\x01" else int(v) if _INT.match(v) else v for v in r))
        return _Rows(rows)

    def commit(self):
        pass

    def close(self):
        pass


def connect(target):
    if target.startswith(("postgres://", "postgresql://")):
        return _Pg(target)
    return sqlite3.connect(target)
