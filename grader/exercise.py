"""Exercise folders: find them, read ``exercise.toml`` strictly, describe their files.

An exercise is one folder (see ``docs/authoring.md``); a *course* is a folder
holding ``exercises/`` and ``solutions/``. The grader finds its course, in this
order: ``--course DIR``, the ``GRADER_COURSE`` environment variable, the
checkout it runs from, the copy bundled in the installed wheel.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import ExerciseError, UsageError

Framework = Literal["python", "torch", "tensorflow"]
FRAMEWORKS: tuple[str, ...] = ("python", "torch", "tensorflow")
COURSE_ENV = "GRADER_COURSE"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
DEFAULT_PRELOAD: dict[str, tuple[str, ...]] = {
    "python": (),
    "torch": ("torch",),
    "tensorflow": ("tensorflow", "keras"),
}
"""What a worker imports before the student's code when ``preload`` is not given, by framework."""
_BUG_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits of one worker run, from ``[limits]``."""

    wall_seconds: float = 120.0
    probe_seconds: float = 30.0
    cpu_seconds: float = 120.0
    memory_mb: int = 3072
    output_kb: int = 4


@dataclass(frozen=True, slots=True)
class KnownBug:
    """One bug of the seed snippet that the hidden checks catch."""

    id: str
    title: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Exercise:
    """Everything the grader knows about one exercise folder."""

    id: str
    root: Path
    title: str
    source: str
    framework: Framework
    points: float
    limits: Limits
    bugs: tuple[KnownBug, ...]
    solution: Path | None
    preload: tuple[str, ...] = ()
    """Modules a worker imports before the student's code (warm workers keep them imported)."""

    @property
    def statement(self) -> Path:
        return self.root / "README.md"

    @property
    def stub(self) -> Path:
        return self.root / "stub.py"

    @property
    def probes(self) -> Path:
        return self.root / "probes.py"

    @property
    def check_dirs(self) -> tuple[Path, ...]:
        """Hidden checks first, then public ones; only those that exist."""
        return tuple(d for d in (self.root / "checks", self.root / "public") if d.is_dir())

    @property
    def originals(self) -> tuple[Path, ...]:
        return tuple(sorted(self.root.glob("original*.py")))

    @property
    def mutants(self) -> dict[str, Path]:
        """Mutant file by the id of the bug it puts back."""
        return {p.stem: p for p in sorted((self.root / "mutants").glob("*.py"))}

    @property
    def from_scratch(self) -> bool:
        """An instructor's own exercise, with no seed snippet (``source = "none"``) and so no original.py."""
        return self.source.strip().lower() in ("", "none")

    def bug(self, bug_id: str) -> KnownBug | None:
        return next((b for b in self.bugs if b.id == bug_id), None)

    def digest(self) -> str:
        """A hash of every file of the exercise and its solution (for caches)."""
        h = hashlib.sha256()
        files = sorted(p for p in self.root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if self.solution is not None:
            files.append(self.solution)
        for path in files:
            h.update(str(path.relative_to(self.root.parent.parent)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
        return h.hexdigest()


_TOP_KEYS = {"title", "source", "framework", "points", "limits", "bugs", "preload"}
_BUG_KEYS = {"id", "title", "explanation"}


def load(root: Path, solutions_dir: Path | None = None) -> Exercise:
    """Read ``root/exercise.toml`` into an :class:`Exercise`.

    Unknown keys, missing keys and wrong types raise :class:`ExerciseError`
    naming the file and the field, with a "did you mean" hint for typos.
    """
    manifest = root / "exercise.toml"
    where = str(manifest)
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExerciseError(f"{where}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ExerciseError(f"{where}: not valid TOML: {e}") from None
    if not _ID.match(root.name):
        raise ExerciseError(f"{root}: exercise folder names use lowercase letters, digits and _")

    _reject_unknown(data, _TOP_KEYS, where, "")
    framework = _field(data, "framework", str, where)
    if framework not in FRAMEWORKS:
        raise ExerciseError(f"{where}: field 'framework' must be one of {', '.join(FRAMEWORKS)}, "
                            f"not {framework!r}")
    points = _field(data, "points", (int, float), where)
    if points <= 0:
        raise ExerciseError(f"{where}: field 'points' must be positive")

    limits_data = data.get("limits", {})
    if not isinstance(limits_data, dict):
        raise ExerciseError(f"{where}: field 'limits' must be a table")
    known = set(Limits.__dataclass_fields__)
    _reject_unknown(limits_data, known, where, "limits.")
    for key, value in limits_data.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ExerciseError(f"{where}: field 'limits.{key}' must be a positive number")
    limits = Limits(**limits_data)

    bugs = []
    raw_bugs = data.get("bugs", [])
    if not isinstance(raw_bugs, list):
        raise ExerciseError(f"{where}: 'bugs' must be an array of tables ([[bugs]])")
    for i, raw in enumerate(raw_bugs):
        label = f"bugs[{i}]"
        if not isinstance(raw, dict):
            raise ExerciseError(f"{where}: '{label}' must be a table")
        _reject_unknown(raw, _BUG_KEYS, where, f"{label}.")
        bug = KnownBug(*(_field(raw, k, str, where, prefix=f"{label}.") for k in ("id", "title", "explanation")))
        if not _BUG_ID.match(bug.id):
            raise ExerciseError(f"{where}: field '{label}.id' must use lowercase letters, digits and -")
        if any(b.id == bug.id for b in bugs):
            raise ExerciseError(f"{where}: bug id {bug.id!r} is declared twice")
        bugs.append(bug)

    preload = data.get("preload", list(DEFAULT_PRELOAD[framework]))
    if not (isinstance(preload, list) and all(isinstance(m, str) and _MODULE.match(m) for m in preload)):
        raise ExerciseError(f"{where}: field 'preload' must be a list of module names, e.g. [\"torch\"]")

    solution = None
    if solutions_dir is not None and (solutions_dir / f"{root.name}.py").is_file():
        solution = solutions_dir / f"{root.name}.py"
    return Exercise(
        id=root.name,
        root=root,
        title=_field(data, "title", str, where),
        source=_field(data, "source", str, where),
        framework=framework,  # type: ignore[arg-type]
        points=float(points),
        limits=limits,
        bugs=tuple(bugs),
        solution=solution,
        preload=tuple(preload),
    )


def _field(data: dict[str, Any], key: str, kind: Any, where: str, prefix: str = "") -> Any:
    if key not in data:
        raise ExerciseError(f"{where}: missing field '{prefix}{key}'")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ExerciseError(f"{where}: field '{prefix}{key}' must be a {names}, not {type(value).__name__}")
    return value


def _reject_unknown(data: dict[str, Any], allowed: set[str], where: str, prefix: str) -> None:
    for key in data:
        if key not in allowed:
            near = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f" (did you mean '{prefix}{near[0]}'?)" if near else ""
            raise ExerciseError(f"{where}: unknown field '{prefix}{key}'{hint}")


@dataclass(frozen=True, slots=True)
class Course:
    """A folder with ``exercises/<id>/`` and ``solutions/<id>.py``."""

    root: Path

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def hidden_folders(self) -> tuple[Path, ...]:
        """What no worker may see: the exercises (hidden checks, mutants, originals) and the solutions."""
        return (self.exercises_dir, self.solutions_dir)

    def ids(self) -> list[str]:
        if not self.exercises_dir.is_dir():
            return []
        return sorted(p.name for p in self.exercises_dir.iterdir() if (p / "exercise.toml").is_file())

    def get(self, exercise_id: str) -> Exercise:
        """Load one exercise; an unknown id is a usage error with a suggestion."""
        ids = self.ids()
        if exercise_id not in ids:
            near = difflib.get_close_matches(exercise_id, ids, n=1)
            hint = f" Did you mean {near[0]!r}?" if near else " Run 'grader list' to see them."
            raise UsageError(f"No exercise {exercise_id!r} in {self.exercises_dir}.{hint}")
        return load(self.exercises_dir / exercise_id, self.solutions_dir)

    def all(self) -> list[Exercise]:
        return [self.get(i) for i in self.ids()]


def find_course(explicit: Path | None = None) -> Course:
    """The course to use: ``explicit``, ``$GRADER_COURSE``, the checkout, or the bundled copy."""
    if explicit is None and os.environ.get(COURSE_ENV):
        explicit = Path(os.environ[COURSE_ENV])
    if explicit is not None:
        if not (explicit / "exercises").is_dir():
            raise UsageError(f"{explicit} is not a course folder: it has no exercises/ folder")
        return Course(explicit.resolve())
    package = Path(__file__).resolve().parent
    for candidate in (package.parent, package / "_course"):
        if (candidate / "exercises").is_dir():
            return Course(candidate)
    raise UsageError("No exercises found: pass --course DIR or set GRADER_COURSE")
