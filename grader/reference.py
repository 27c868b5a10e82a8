"""The reference solution's observations: what ``expected(...)`` returns in checks.

Computed once per exercise version (its digest and the grader version) in a
worker like any submission's, and cached on disk where no worker can reach it
(the sandbox binds none of the grader's data). A reference run that went
wrong is never cached, and never used: grading against it would cost every
student the points of the checks that compare with it.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from . import __version__, wire
from . import submission as submissions
from .errors import ExerciseError
from .exercise import Exercise
from .record import RunRecord
from .sandbox import Pool

CACHE_ENV = "GRADER_CACHE_DIR"
_memory: dict[tuple[str, str], RunRecord] = {}
_lock = threading.Lock()


def cache_dir() -> Path:
    """Where reference observations are cached: ``$GRADER_CACHE_DIR`` or the user cache."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "grader"


def record(exercise: Exercise, pool: Pool) -> RunRecord | None:
    """The reference solution's observations, from memory, the disk cache or a fresh run; None without one.

    Raises :class:`ExerciseError` when the solution does not run cleanly here.
    """
    if exercise.solution is None:
        return None
    key = (exercise.id, exercise.digest())
    with _lock:
        if key in _memory:
            return _memory[key]
    path = cache_dir() / "reference" / f"{exercise.id}-{key[1][:20]}-{__version__}.json"
    found = _read(path)
    if found is None:
        found = pool.run(exercise, submissions.load(exercise.solution, exercise.id))
        problem = failure(found)
        if problem:
            raise ExerciseError(f"{exercise.id}: the reference solution did not run cleanly in this "
                                f"environment ({problem}); nothing can be graded against it")
        _write(path, found)
    with _lock:
        _memory[key] = found
    return found


def failure(run: RunRecord) -> str:
    """Why a reference run cannot be trusted, or "" when it can."""
    if run.exit != "ok":
        return "; ".join(run.incidents) or f"it ended with {run.exit}"
    broken = [k for k, v in run.observations.items() if isinstance(v, wire.ProbeError) and v.kind != "raised"]
    imported = run.observations.get(wire.IMPORT_KEY)
    if isinstance(imported, wire.ProbeError):
        return f"its import failed: {imported.type}: {imported.message}"
    if broken:
        return f"{len(broken)} probe case(s) gave no value"
    return ""


def _read(path: Path) -> RunRecord | None:
    try:
        found = RunRecord.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None if failure(found) else found


def _write(path: Path, run: RunRecord) -> None:
    """Atomic, and never fatal: a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        tmp.write_text(json.dumps(run.to_dict()))
        tmp.replace(path)
    except OSError:
        pass
