"""Every graded pair, kept in SQLite: a run resumes, an unchanged pair is never graded twice, nothing is lost.

A result is stored under the hashes that decide it: the submission's content,
the exercise's (checks, probes, solution: ``Exercise.digest``) and the
grader's version. Grading the same key again is never needed; a new
submission, a fixed suite or a new grader version is a new key, stored beside
the old ones, so every student's history stays (``history``) and a regrade
that changes a score leaves a trace.

Each result is committed on its own as soon as it is graded (WAL journal), so
a run killed at any moment, SIGKILL included, keeps everything graded so far;
two runs sharing a store wait for each other's writes (busy timeout) and a
key stored twice is kept once. The standard library's ``sqlite3`` only, as
pytest's cache is a small file store rather than an ORM: a read that fails
returns nothing, never a crash.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .results import PairResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    submission_sha256 TEXT NOT NULL,
    exercise_digest TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    source TEXT NOT NULL,
    submitted_at TEXT NOT NULL DEFAULT '',
    graded_at REAL NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    result TEXT NOT NULL,
    UNIQUE (student, exercise, submission_sha256, exercise_digest, grader_version)
);
CREATE INDEX IF NOT EXISTS by_student ON results (student, exercise, graded_at);
"""


@dataclass(frozen=True, slots=True)
class Key:
    """What decides a result: who, which exercise, and the three hashes."""

    student: str
    exercise: str
    submission_sha256: str
    exercise_digest: str
    grader_version: str


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored result with where it came from and when."""

    key: Key
    source: str
    submitted_at: str
    graded_at: float
    result: PairResult


class Store:
    """A results database at ``path`` (created on first use). Thread-safe."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process, fast
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: Key) -> PairResult | None:
        """The stored result of exactly this key, or None (also when the row cannot be read)."""
        row = self._one("SELECT result FROM results WHERE student=? AND exercise=? AND submission_sha256=? "
                        "AND exercise_digest=? AND grader_version=?", _values(key))
        return _decode(row[0]) if row else None

    def put(self, key: Key, result: PairResult, source: str, submitted_at: str = "") -> bool:
        """Store a result; False if that key was already stored (by this run or a concurrent one)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO results (student, exercise, submission_sha256, exercise_digest, "
                "grader_version, source, submitted_at, graded_at, score, max_score, result) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_values(key), source, submitted_at, time.time(), result.score, result.max_score,
                 json.dumps(result.to_dict(), ensure_ascii=False)))
            return cursor.rowcount == 1

    def history(self, student: str, exercise: str | None = None) -> list[Stored]:
        """Every result of a student (one exercise, or all), oldest first."""
        query = ("SELECT student, exercise, submission_sha256, exercise_digest, grader_version, source, "
                 "submitted_at, graded_at, result FROM results WHERE student=?")
        args: tuple[str, ...] = (student,)
        if exercise is not None:
            query += " AND exercise=?"
            args += (exercise,)
        return list(self._stored(query + " ORDER BY graded_at, id", args))

    def latest(self) -> list[Stored]:
        """The most recently graded result of every (student, exercise)."""
        return list(self._stored(
            "SELECT student, exercise, submission_sha256, exercise_digest, grader_version, source, submitted_at, "
            "graded_at, result FROM results AS r WHERE id = (SELECT id FROM results WHERE student=r.student AND "
            "exercise=r.exercise ORDER BY graded_at DESC, id DESC LIMIT 1) ORDER BY student, exercise", ()))

    def students(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT DISTINCT student FROM results ORDER BY student")]

    def _one(self, query: str, args: tuple) -> tuple | None:
        try:
            with self._lock:
                return self._db.execute(query, args).fetchone()
        except sqlite3.Error:
            return None

    def _stored(self, query: str, args: tuple) -> Iterator[Stored]:
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        for row in rows:
            result = _decode(row[8])
            if result is not None:
                yield Stored(Key(*row[:5]), row[5], row[6], row[7], result)


def _values(key: Key) -> tuple[str, str, str, str, str]:
    return (key.student, key.exercise, key.submission_sha256, key.exercise_digest, key.grader_version)


def _decode(text: str) -> PairResult | None:
    try:
        return PairResult.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return None
