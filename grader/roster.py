"""Who the students are in the LMS: identities for the import files, from the download and an optional roster.

An LMS imports grades only for students it can find, by its own identifiers:
Canvas by its user id, SIS user id or SIS login id; Moodle by username, email,
id number or user id. A Canvas download names each file with the Canvas user
id and a Gradescope export gives emails and SIDs, so those are kept from
discovery; for the rest, ``--roster FILE`` takes the LMS's own gradebook export
(Canvas: Grades -> Export; Moodle: Grades -> Export -> Plain text file) or any
CSV with a ``student`` column, and matches each student of the class folder to
a row by an identifier or, failing that, by name. A roster also tells which
existing gradebook column an exercise goes to (a column whose name is the
exercise's id or title).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .discovery import ClassEntry
from .errors import UsageError

# Columns of the LMS exports, by what they hold (lower-cased header -> field).
_HEADERS = {
    "student": "name", "student name": "name", "full name": "name", "name": "name",
    "id": "lms_id", "user id": "lms_id", "canvas user id": "lms_id",
    "sis user id": "sis_user_id", "id number": "sis_user_id", "idnumber": "sis_user_id", "sid": "sis_user_id",
    "sis login id": "login", "username": "login", "login": "login", "login id": "login",
    "email": "email", "email address": "email",
    "section": "section",
    "first name": "first", "last name": "last",
}
_NOT_ASSIGNMENTS = re.compile(r"^(student|id|sis user id|sis login id|integration id|section|root account|"
                              r".*(score|points|grade|total).*|notes|first name|last name|id number|institution|"
                              r"department|email address|username|last downloaded.*|full name)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Identity:
    """One student as the LMS knows them."""

    student: str
    """The key in the class folder (a folder or file name)."""
    name: str = ""
    lms_id: str = ""
    """Canvas's user id (the ``ID`` column), Moodle's user id."""
    sis_user_id: str = ""
    login: str = ""
    """Canvas's SIS login id, Moodle's username."""
    email: str = ""
    section: str = ""
    matched: bool = False
    """Found in the roster (False: only what the download said)."""


@dataclass(frozen=True, slots=True)
class Roster:
    """The rows of an LMS gradebook export (or any CSV with a ``student`` column)."""

    rows: tuple[Identity, ...] = ()
    columns: tuple[str, ...] = ()
    """The export's assignment columns, verbatim (Canvas: ``Homework 1 (12345)``)."""
    student_column: dict[str, int] = field(default_factory=dict)

    def identify(self, entries: Iterable[ClassEntry]) -> dict[str, Identity]:
        """Each student of the class folder, with the LMS identifiers the roster (or the download) gives."""
        identities: dict[str, Identity] = {}
        for entry in entries:
            if entry.student in identities:
                continue
            own = Identity(entry.student, entry.name or entry.student, entry.lms_id if entry.layout == "canvas" else "",
                           entry.lms_id if entry.layout == "gradescope" else "", "", entry.email)
            row = self._find(entry)
            identities[entry.student] = own if row is None else replace(row, student=entry.student, matched=True)
        return identities

    def column_for(self, exercise_id: str, title: str) -> str | None:
        """The export's column for this exercise: its header without the ``(id)`` is the exercise's id or title."""
        wanted = {_key(exercise_id), _key(title)}
        for column in self.columns:
            bare = re.sub(r"\s*\(\d+\)\s*$", "", column)
            bare = re.sub(r"^(assignment|quiz|manual item):\s*|\s*\((real|percentage|letter)\)$", "", bare,
                          flags=re.IGNORECASE)
            if _key(bare) in wanted:
                return column
        return None

    def _find(self, entry: ClassEntry) -> Identity | None:
        ids = {v.lower() for v in (entry.student, entry.lms_id, entry.email) if v}
        for row in self.rows:
            if ids & {v.lower() for v in (row.lms_id, row.sis_user_id, row.login, row.email) if v}:
                return row
            if row.email and entry.student.lower() == row.email.split("@")[0].lower():
                return row
        names = {_key(entry.student), _key(entry.name)} - {""}
        by_name = [row for row in self.rows if names & _name_keys(row.name)]
        return by_name[0] if len(by_name) == 1 else None


def load(path: Path) -> Roster:
    """Read a roster CSV (an LMS gradebook export, or any CSV with a ``student`` column)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the roster ({e})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise UsageError(f"{path}: the roster is empty")
    header = [h.strip() for h in rows[0]]
    fields = {i: _HEADERS[h.lower()] for i, h in enumerate(header) if h.lower() in _HEADERS}
    if not fields:
        raise UsageError(f"{path}: no column names a student (expected e.g. Student, ID, SIS Login ID, "
                         "Email address, Username or student)")
    identities = []
    for row in rows[1:]:
        if not row or (row[0].strip().lower().startswith("points possible")):
            continue  # Canvas's second line
        values: dict[str, str] = {}
        for index, name in fields.items():
            if index < len(row) and row[index].strip():
                values.setdefault(name, row[index].strip())
        first, last = values.pop("first", ""), values.pop("last", "")
        if not values.get("name") and (first or last):
            values["name"] = f"{first} {last}".strip()
        if values:
            identities.append(Identity(student=values.get("login") or values.get("name", ""), **values))
    columns = tuple(h for i, h in enumerate(header) if i not in fields and h and not _NOT_ASSIGNMENTS.match(h))
    return Roster(tuple(identities), columns)


def identities_of(entries: Iterable[ClassEntry], roster: Roster | None) -> Mapping[str, Identity]:
    return (roster or Roster()).identify(entries)


def _key(text: str) -> str:
    """Names compared without accents, case, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum()).lower()


def _name_keys(name: str) -> set[str]:
    """"Doe, John" and "John Doe" both give "doejohn" and "johndoe" (Canvas names downloads "doejohn")."""
    parts = [p for p in re.split(r"[,\s]+", name) if p]
    keys = {_key(name)}
    if len(parts) >= 2:
        keys |= {_key("".join(parts)), _key("".join(reversed(parts)))}
        if "," in name:
            last, first = name.split(",", 1)
            keys |= {_key(last + first), _key(first + last)}
    return keys - {""}
