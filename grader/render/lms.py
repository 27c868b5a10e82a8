"""Gradebook files an LMS imports: Canvas's gradebook CSV and Moodle's CSV grade import.

Written from the LMSs' documentation (Canvas Instructor Guide, "How do I
import grades in the Gradebook?"; Moodle docs, "Grade import", and Moodle's
``grade/import/csv`` code), which say:

Canvas
    The first columns identify the student: ``Student``, ``ID`` (the Canvas
    user id), ``SIS User ID``, ``SIS Login ID`` and ``Section``; Canvas finds a
    student by ID, then SIS User ID, then SIS Login ID. Every further column is
    an assignment: a header ending in ``(number)`` updates the assignment of that
    Canvas id, any other header creates a new assignment of that name. A second
    row starting ``Points Possible`` gives each column's points. Columns Canvas
    computes itself (totals, scores) must not be in the file, or a "Total"
    assignment would be created, so there is no total here.
Moodle
    Each row is one student, found by the column the teacher maps to
    "username", "email address", "ID number" or "user id" (a row whose student
    is not found aborts the whole import, so there is no points row and no
    row without an identifier); each grade column is mapped to a grade item or
    creates one; an empty cell or ``-`` is "no grade".

A student with no submission gets an empty cell in both (no grade, rather than
a zero that would look like one).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import Literal, TextIO

from ..results import PairResult
from ..roster import Identity

LMS = Literal["canvas", "moodle"]
LMSES: tuple[str, ...] = ("canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTIFIERS = {"email": "Email address", "login": "Username", "sis_user_id": "ID number"}


def canvas(results: Sequence[PairResult], identities: Mapping[str, Identity], points: Mapping[str, float],
           stream: TextIO, *, columns: Mapping[str, str] | None = None) -> None:
    """Canvas's gradebook import: identity columns, one assignment column per exercise, a Points Possible row.

    :param columns: each exercise's column header when the roster has one (``Homework 1 (12345)``); else the
        exercise id, which Canvas makes a new assignment of.
    """
    exercises = sorted(points)
    headers = [(columns or {}).get(e) or e for e in exercises]
    scores = _scores(results)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*CANVAS_IDENTITY, *headers])
    writer.writerow(["Points Possible", "", "", "", "", *(_number(points[e]) for e in exercises)])
    for student in sorted(identities, key=lambda s: (identities[s].name or s).lower()):
        who = identities[student]
        login = who.login or ("" if who.lms_id or who.sis_user_id else student)
        writer.writerow([_cell(who.name or student), who.lms_id, who.sis_user_id, _cell(login), _cell(who.section),
                         *(_number(scores[student][e]) if e in scores.get(student, {}) else "" for e in exercises)])


def moodle(results: Sequence[PairResult], identities: Mapping[str, Identity], exercises: Sequence[str],
           stream: TextIO, *, columns: Mapping[str, str] | None = None) -> str:
    """Moodle's CSV grade import; returns the identifier column's header (the one to map in Moodle's form).

    The identifier is the first that every student has: email address, then username, then ID number; the
    class folder's student names are used as usernames when nothing else is known.
    """
    kind = next((k for k in MOODLE_IDENTIFIERS if all(getattr(i, k) for i in identities.values())), "login")
    header = MOODLE_IDENTIFIERS[kind]
    scores = _scores(results)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([header, "Full name", *((columns or {}).get(e) or e for e in exercises)])
    for student in sorted(identities):
        who = identities[student]
        writer.writerow([_cell(getattr(who, kind) or student), _cell(who.name or student),
                         *(_number(scores[student][e]) if e in scores.get(student, {}) else "" for e in exercises)])
    return header


def _scores(results: Sequence[PairResult]) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {}
    for result in results:
        scores.setdefault(result.student or result.submission, {})[result.exercise] = result.score
    return scores


def _cell(text: str) -> str:
    """A spreadsheet cell that is never a formula (CSV injection: a name starting with = + - @ would run in
    Excel); one line."""
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
