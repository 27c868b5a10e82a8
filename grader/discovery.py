"""Which files of a class folder are whose submission for which exercise.

Layouts: ``<student>/<exercise_id>.{py,ipynb,zip}`` (one folder per student),
or, for one exercise, ``<student>.{py,ipynb,zip}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .exercise import Course

SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")


@dataclass(frozen=True, slots=True)
class ClassEntry:
    """One file to grade in a class folder."""

    student: str
    exercise_id: str
    path: Path
    submitted_at: str = ""
    """When it was submitted, if the layout says (an LMS timestamp); "" otherwise."""


def find_submissions(folder: Path, course: Course, exercise_id: str | None = None
                     ) -> tuple[list[ClassEntry], list[str]]:
    """The files of a class folder, and warnings about files that were skipped."""
    known = set(course.ids())
    entries: list[ClassEntry] = []
    warnings: list[str] = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_dir():
            for file in sorted(item.iterdir()):
                if file.name.startswith(".") or not file.is_file():
                    continue
                stem = file.stem if file.suffix.lower() in SUBMISSION_SUFFIXES else None
                if stem in known and (exercise_id is None or stem == exercise_id):
                    entries.append(ClassEntry(item.name, stem, file))
                elif exercise_id is None:
                    warnings.append(f"{item.name}/{file.name}: not named after an exercise; skipped")
        elif exercise_id is not None and item.suffix.lower() in SUBMISSION_SUFFIXES:
            entries.append(ClassEntry(item.stem, exercise_id, item))
        elif item.suffix.lower() in SUBMISSION_SUFFIXES:  # a README or a roster beside the folders is fine
            warnings.append(f"{item.name}: a file outside any student folder; use --exercise ID "
                            "to grade a flat folder")
    return entries, warnings
