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

Which of a student's submissions counts (:meth:`Store.pick`): the *latest*
(by the LMS's timestamp when every version has one, else by when the grader
first saw it), the *best* (highest score among results graded with the current
exercise and grader versions), or one a TA *chose* (:meth:`Store.choose`,
kept in the store, which beats both). Nothing is ever overwritten in place: a
``--force`` re-grade that disagrees with the stored result moves the old one to
``superseded`` first, so every score the store ever gave stays in the history.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import UsageError
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
CREATE TABLE IF NOT EXISTS superseded (
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
    late INTEGER NOT NULL DEFAULT 0,
    superseded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS choices (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    submission_sha256 TEXT NOT NULL,
    chosen_at REAL NOT NULL,
    PRIMARY KEY (student, exercise)
);
"""
_COLUMNS = ("student, exercise, submission_sha256, exercise_digest, grader_version, source, submitted_at, graded_at, "
            "result, late")
Rule = Literal["latest", "best", "chosen"]
RULES: tuple[str, ...] = ("latest", "best")
"""What ``--select`` accepts; "chosen" is per student, by :meth:`Store.choose`."""


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
    late: bool = False
    superseded: bool = False
    """Replaced by a ``--force`` re-grade of the same key that gave another result."""


@dataclass(frozen=True, slots=True)
class Version:
    """One submission (one content) of a student for an exercise, and its gradings."""

    submission_sha256: str
    first_seen: float
    """When the grader first graded this content (orders versions when the LMS gave no time)."""
    submitted_at: str
    late: bool
    source: str
    newest: Stored
    """Its most recent grading, whatever the exercise and grader versions."""
    current: Stored | None
    """Its grading with the exercise and grader versions asked for, if it has one."""

    @property
    def result(self) -> Stored:
        return self.current or self.newest


@dataclass(frozen=True, slots=True)
class Pick:
    """The result that counts for one (student, exercise) in a gradebook, and why this one."""

    stored: Stored
    rule: Rule
    versions: int
    """How many submissions the student made for this exercise (as far as the store knows)."""
    stale: bool
    """Graded with another exercise or grader version than the current one (the file is not in the folder any
    more, so it could not be graded again)."""

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
        self._migrate()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, key: Key) -> PairResult | None:
        """The stored result of exactly this key, or None (also when the row cannot be read)."""
        row = self._one("SELECT result FROM results WHERE " + _KEY_MATCH, _values(key))
        return _decode(row[0]) if row else None

    def put(self, key: Key, result: PairResult, source: str, submitted_at: str = "", *, late: bool = False,
            replace: bool = False) -> bool:
        """Store a result; False if that key was already stored (by this run or a concurrent one).

        ``replace`` (a ``--force`` re-grade) stores the new result over the old one, after moving the old one to
        ``superseded`` when they differ, so that no score disappears without a trace.
        """
        encoded = json.dumps(result.to_dict(), ensure_ascii=False)
        row = (*_values(key), source, submitted_at, time.time(), result.score, result.max_score, encoded, int(late))
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO results (student, exercise, submission_sha256, exercise_digest, "
                "grader_version, source, submitted_at, graded_at, score, max_score, result, late) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            if cursor.rowcount == 1 or not replace:
                return cursor.rowcount == 1
            self._db.execute("BEGIN IMMEDIATE")
            try:
                old = self._db.execute("SELECT result FROM results WHERE " + _KEY_MATCH, _values(key)).fetchone()
                if old is not None and _verdict(old[0]) != _verdict(encoded):
                    self._db.execute(
                        "INSERT INTO superseded (student, exercise, submission_sha256, exercise_digest, grader_version,"
                        " source, submitted_at, graded_at, score, max_score, result, late, superseded_at) SELECT "
                        "student, exercise, submission_sha256, exercise_digest, grader_version, source, submitted_at,"
                        " graded_at, score, max_score, result, late, ? FROM results WHERE " + _KEY_MATCH,
                        (time.time(), *_values(key)))
                self._db.execute("UPDATE results SET source=?, submitted_at=?, graded_at=?, score=?, max_score=?, "
                                 "result=?, late=? WHERE " + _KEY_MATCH, (*row[5:], *_values(key)))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return True

    def withdraw(self, keys: Iterable[Key]) -> int:
        """Delete these results (graded in an environment that failed its self-check); how many were removed."""
        removed = 0
        with self._lock:
            for key in keys:
                removed += self._db.execute("DELETE FROM results WHERE " + _KEY_MATCH, _values(key)).rowcount
        return removed

    def history(self, student: str, exercise: str | None = None, *, superseded: bool = False) -> list[Stored]:
        """Every result of a student (one exercise, or all), oldest first; ``superseded`` adds replaced ones."""
        where, args = "student=?", (student,)
        if exercise is not None:
            where, args = where + " AND exercise=?", (student, exercise)
        rows = list(self._stored(f"SELECT {_COLUMNS} FROM results WHERE {where} ORDER BY graded_at, id", args))
        if superseded:
            rows += self._stored(f"SELECT {_COLUMNS} FROM superseded WHERE {where}", args, superseded=True)
            rows.sort(key=lambda s: s.graded_at)
        return rows

    def versions(self, student: str, exercise: str, digest: str = "", grader_version: str = "") -> list[Version]:
        """The student's submissions for one exercise, oldest first, each with its newest and current grading."""
        by_sha: dict[str, list[Stored]] = {}
        for stored in self.history(student, exercise):
            by_sha.setdefault(stored.key.submission_sha256, []).append(stored)
        versions = []
        for sha, rows in by_sha.items():
            current = [r for r in rows if (r.key.exercise_digest, r.key.grader_version) == (digest, grader_version)]
            newest = rows[-1]
            versions.append(Version(sha, rows[0].graded_at, max(r.submitted_at for r in rows),
                                    any(r.late for r in rows), newest.source, newest, current[-1] if current else None))
        if versions and all(v.submitted_at for v in versions):
            versions.sort(key=lambda v: (v.submitted_at, v.first_seen))
        else:
            versions.sort(key=lambda v: v.first_seen)
        return versions

    def pick(self, student: str, exercise: str, rule: Rule = "latest", digest: str = "", grader_version: str = ""
             ) -> Pick | None:
        """The result that counts for (student, exercise): the one chosen, else by ``rule``; None if never graded.

        ``digest`` and ``grader_version`` are the current ones: a version graded with them is preferred to an
        older grading of the same content, and "best" compares only such results (when there are any).
        """
        versions = self.versions(student, exercise, digest, grader_version)
        if not versions:
            return None
        chosen = self.chosen(student, exercise)
        picked = next((v for v in versions if chosen and v.submission_sha256 == chosen), None)
        how: Rule = "chosen"
        if picked is None:
            how = "best" if rule == "best" else "latest"
            if rule == "best":
                comparable = [v for v in versions if v.current is not None] or versions
                # the highest score; among equals, the latest submission
                picked = max(reversed(comparable), key=lambda v: v.result.result.score)
            else:
                picked = versions[-1]
        stale = bool(digest) and picked.current is None
        return Pick(picked.result, how, len(versions), stale)

    def choose(self, student: str, exercise: str, prefix: str) -> Version:
        """Make the submission whose sha256 starts with ``prefix`` count for (student, exercise)."""
        matches = [v for v in self.versions(student, exercise) if v.submission_sha256.startswith(prefix.lower())]
        if len(matches) != 1:
            known = ", ".join(v.submission_sha256[:12] for v in self.versions(student, exercise)) or "none"
            what = "no submission" if not matches else f"{len(matches)} submissions"
            raise UsageError(f"{what} of {student} for {exercise} start with {prefix!r} (stored: {known})")
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO choices VALUES (?, ?, ?, ?)",
                             (student, exercise, matches[0].submission_sha256, time.time()))
        return matches[0]

    def unchoose(self, student: str, exercise: str) -> bool:
        """Go back to the ``--select`` rule for (student, exercise); False if nothing was chosen."""
        with self._lock:
            return self._db.execute("DELETE FROM choices WHERE student=? AND exercise=?",
                                    (student, exercise)).rowcount == 1

    def chosen(self, student: str, exercise: str) -> str | None:
        row = self._one("SELECT submission_sha256 FROM choices WHERE student=? AND exercise=?", (student, exercise))
        return row[0] if row else None

    def latest(self) -> list[Stored]:
        """The most recently graded result of every (student, exercise)."""
        return list(self._stored(
            f"SELECT {_COLUMNS} FROM results AS r WHERE id = (SELECT id FROM results WHERE student=r.student AND "
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

    def _stored(self, query: str, args: tuple, superseded: bool = False) -> Iterator[Stored]:
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        for row in rows:
            result = _decode(row[8])
            if result is not None:
                yield Stored(Key(*row[:5]), row[5], row[6], row[7], result, bool(row[9]), superseded)

    def _migrate(self) -> None:
        """Stores written before a column existed get it (SQLite adds a column with its default in place)."""
        with self._lock:
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(results)")}
            if "late" not in columns:
                try:
                    self._db.execute("ALTER TABLE results ADD COLUMN late INTEGER NOT NULL DEFAULT 0")
                except sqlite3.OperationalError:  # a concurrent run added it first
                    pass


_KEY_MATCH = "student=? AND exercise=? AND submission_sha256=? AND exercise_digest=? AND grader_version=?"


def _verdict(text: str) -> object:
    """What a result says, without its timings (which differ on every run)."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    data.pop("timings", None)
    for check in data.get("checks", []):
        if isinstance(check, dict):
            check.pop("seconds", None)
    return data


def _values(key: Key) -> tuple[str, str, str, str, str]:
    return (key.student, key.exercise, key.submission_sha256, key.exercise_digest, key.grader_version)


def _decode(text: str) -> PairResult | None:
    try:
        return PairResult.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return None
