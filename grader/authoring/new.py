"""``grader new ID``: scaffold an exercise that already passes ``grader verify``.

The scaffold is a small, complete exercise in the chosen framework (``templates/<framework>/``): a
statement, a stub, probes, public and hidden checks, one known bug with its mutant, and the reference
solution. It verifies as it is, so the author replaces it piece by piece and re-runs ``grader verify``
after each step, never starting from a red state. Only ``exercise.toml`` and ``README.md`` are
templates (``$id``, ``$title``); the Python files are copied as they are (they are linted with the grader).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..errors import UsageError
from ..exercise import FRAMEWORKS

TEMPLATES = Path(__file__).resolve().parent / "templates"
SOLUTION_TEMPLATE = "solution.py"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SUBSTITUTED = {".toml", ".md"}


@dataclass(frozen=True, slots=True)
class Scaffold:
    """What ``grader new`` wrote."""

    exercise: Path
    """The new ``exercises/<id>/`` folder."""
    solution: Path
    """The new ``solutions/<id>.py``."""
    files: tuple[Path, ...]


def scaffold(course_root: Path, exercise_id: str, framework: str, title: str | None = None) -> Scaffold:
    """Create ``exercises/<id>/`` and ``solutions/<id>.py`` under ``course_root`` from the framework's template.

    Raises :class:`UsageError` for a bad id or framework, or when the exercise or its solution exists.
    """
    if not _ID.match(exercise_id):
        raise UsageError(f"exercise id {exercise_id!r}: use lowercase letters, digits and _ (starting with a "
                         "letter); it is also the student's file name and a Python module name")
    if framework not in FRAMEWORKS:
        raise UsageError(f"framework {framework!r}: choose one of {', '.join(FRAMEWORKS)}")
    target = course_root / "exercises" / exercise_id
    solution = course_root / "solutions" / f"{exercise_id}.py"
    for existing in (target, solution):
        if existing.exists():
            raise UsageError(f"{existing} already exists; choose another id or remove it")
    values = {"id": exercise_id, "title": (title or exercise_id.replace("_", " ").capitalize()).replace('"', "'")}
    source = TEMPLATES / framework
    written = []
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(source)
        out = solution if relative.as_posix() == SOLUTION_TEMPLATE else target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in _SUBSTITUTED:
            out.write_text(Template(path.read_text(encoding="utf-8")).safe_substitute(values), encoding="utf-8")
        else:
            shutil.copyfile(path, out)
        written.append(out)
    return Scaffold(target, solution, tuple(written))
