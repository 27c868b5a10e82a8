"""Judge observations with the exercise's checks: pytest, in the trusted process.

The checks never see the student's code, only the :class:`~grader.record.RunRecord`
that came back from the worker. A pytest plugin gives them the ``observe`` and
``expected`` fixtures and the ``points``/``bug`` marks, and records one outcome
per collected check. The set of checks comes from collection here, so only an
explicit pass of a collected check earns points: failed, errored, missing and
never-run checks all earn nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _pytest.config import _prepareconfig
from _pytest.runner import runtestprotocol

from . import wire
from .checking import CheckFailed, ImportBlocked, ObservationMissing, ProbeFailed
from .errors import ExerciseError
from .exercise import Exercise
from .probing import case_key
from .record import RunRecord
from .results import VISIBILITIES, Cause, CheckResult, Outcome, Visibility
from .wire import IMPORT_KEY


class BrokenCheck(LookupError):
    """The check itself is wrong (an undeclared probe case, no reference value): an authoring error."""


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A check as collected: what it is worth and which bugs it catches."""

    id: str
    title: str
    points: float
    bugs: tuple[str, ...]
    public: bool
    visibility: Visibility = "visible"
    """Its ``visibility`` mark (the closest one: a function's mark wins over its module's ``pytestmark``)."""


def run(exercise: Exercise, record: RunRecord, reference: RunRecord | None) -> tuple[CheckResult, ...]:
    """Run every check of ``exercise`` against ``record``; ``reference`` feeds ``expected``.

    Not thread-safe: pytest runs in this process (the engine judges one pair at a time).
    """
    return _session(exercise).run(record, reference)


def collect(exercise: Exercise) -> tuple[CheckSpec, ...]:
    """The checks of ``exercise`` without running them (for ``verify`` and listings)."""
    return tuple(_session(exercise).plugin.specs)


_sessions: dict[tuple[Path, str], _Session] = {}


def _session(exercise: Exercise) -> _Session:
    key = (exercise.root, exercise.digest())
    if key not in _sessions:
        for stale in [k for k in _sessions if k[0] == exercise.root]:
            del _sessions[stale]  # the exercise changed on disk: collect it again
        _sessions[key] = _Session(exercise)
    return _sessions[key]


class _Session:
    """A pytest session held open for one version of an exercise: its checks collected once, run per record.

    Starting pytest and collecting the checks costs tens of milliseconds, more
    than a warm worker needs for a whole submission; so the session stays open
    and each record runs the collected items again through pytest's own
    ``runtestprotocol`` (as pytest-rerunfailures reruns a test).
    """

    def __init__(self, exercise: Exercise) -> None:
        dirs = [str(d) for d in exercise.check_dirs]
        if not dirs:
            raise ExerciseError(f"{exercise.root}: has no checks/ or public/ folder")
        self.plugin = _JudgePlugin(exercise, None, None)
        # Check modules are named by their path inside the exercise ("checks.test_x"), so two
        # exercises would share a cached module: forget the exercise's modules once collected.
        before = set(sys.modules)
        try:
            with _quiet():
                self.config = _prepareconfig([*dirs, *_PYTEST_ARGS, f"--rootdir={exercise.root}",
                                              f"--confcutdir={exercise.root}"], plugins=[self.plugin])
                self.config._do_configure()
                self.session = pytest.Session.from_config(self.config)
                self.config.hook.pytest_sessionstart(session=self.session)
                self.session.perform_collect()
        except pytest.UsageError as e:
            raise ExerciseError(f"{exercise.id}: its checks could not be collected ({e})") from None
        finally:
            for name in set(sys.modules) - before:
                if _inside(sys.modules[name], exercise.root):
                    del sys.modules[name]
        if self.plugin.problems:
            raise ExerciseError(f"{exercise.id}: " + "; ".join(self.plugin.problems))
        self.items = list(self.session.items)

    def run(self, record: RunRecord, reference: RunRecord | None) -> tuple[CheckResult, ...]:
        self.plugin.start(record, reference)
        with _quiet():
            for index, item in enumerate(self.items):
                following = self.items[index + 1] if index + 1 < len(self.items) else None
                runtestprotocol(item, nextitem=following, log=False)
                item._initrequest()  # type: ignore[attr-defined]  # fresh fixtures for the next record
        return tuple(self.plugin.result(spec) for spec in self.plugin.specs)


def _inside(module: Any, root: Path) -> bool:
    """A module of the exercise's own files, the ``checks`` namespace package included (it has no file)."""
    places = [getattr(module, "__file__", None) or "", *list(getattr(module, "__path__", None) or [])]
    return any(str(place).startswith(str(root)) for place in places)


_PYTEST_ARGS = (
    "-c", os.devnull,  # the exercise's checks, not the surrounding project's pytest config
    "--import-mode=importlib",
    "--assert=plain",  # the student reads the assertion's own message, never the check's code
    "--strict-markers",
    "--capture=no",  # a session that stays open must not keep capturing the grader's own output
    *(item for name in ("cacheprovider", "terminal", "pastebin", "junitxml", "warnings", "legacypath", "doctest",
                        "unraisableexception", "threadexception", "faulthandler", "logging", "stepwise")
      for item in ("-p", f"no:{name}")),
)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


class _JudgePlugin:
    """The pytest plugin: fixtures, marks, and the recorder of outcomes."""

    def __init__(self, exercise: Exercise, record: RunRecord | None, reference: RunRecord | None) -> None:
        self.exercise = exercise
        self.specs: list[CheckSpec] = []
        self.problems: list[str] = []
        self.start(record, reference)

    def start(self, record: RunRecord | None, reference: RunRecord | None) -> None:
        """Forget the previous record's outcomes; judge this one."""
        self.record = record
        self.reference = reference
        self.outcomes: dict[str, _Outcome] = {}
        self.observed: dict[str, list[str]] = {}
        self._current: str | None = None

    # -- vocabulary -------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "points(n): what the check is worth (required)")
        config.addinivalue_line("markers", "bug(id): the known bug this check exists to catch")
        config.addinivalue_line("markers", "visibility(v): what a student sees of the result: "
                                           + " | ".join(VISIBILITIES) + " (default visible)")

    @pytest.fixture
    def observe(self) -> Observer:
        """``observe(probe, **case)``: what the student's code gave for that probe case.

        ``observe.error(probe, **case)``: the exception the student's code raised
        there (a :class:`wire.ProbeError`), or None; for checks that recognise a
        known bug by what was raised.
        """
        return Observer(self._observe, self._error)

    @pytest.fixture
    def expected(self) -> Callable[..., Any]:
        """``expected(probe, **case)``: what the reference solution gave for the same case."""
        return self._expected

    def _observe(self, name: str, /, **case: Any) -> Any:
        key = case_key(name, case)
        if self._current is not None:
            self.observed.setdefault(self._current, []).append(key)
        record = self.record
        assert record is not None
        if key not in record.plan:
            raise BrokenCheck(f"the check asked for probe case {key!r}, which probes.py does not declare")
        if key not in record.observations:
            raise ObservationMissing("Not run: grading stopped before this case (see Problems above).")
        observation = record.observations[key]
        if isinstance(observation, wire.ProbeError):
            if observation.kind == "import-blocked":
                raise ImportBlocked(observation.message, self._error(name, **case))
            if observation.kind != "raised":  # timeout, crash, ...: already said in the student's words
                raise ProbeFailed(observation.message, observation)
            if key == IMPORT_KEY:
                raise ProbeFailed(f"Your file could not be imported: {observation.type}: {observation.message}",
                                  observation)
            raise ProbeFailed(f"Your code raised {observation.type}: {observation.message}", observation)
        return wire.decode(observation)

    def _error(self, name: str, /, **case: Any) -> wire.ProbeError | None:
        key = case_key(name, case)
        record = self.record
        assert record is not None
        if key not in record.plan:
            raise BrokenCheck(f"the check asked for probe case {key!r}, which probes.py does not declare")
        observation = record.observations.get(key)
        if isinstance(observation, wire.ProbeError) and observation.kind == "import-blocked":
            imported = record.observations.get(IMPORT_KEY)  # the import's own error, for every case it blocked
            return imported if isinstance(imported, wire.ProbeError) else None
        return observation if isinstance(observation, wire.ProbeError) else None

    def _expected(self, name: str, /, **case: Any) -> Any:
        key = case_key(name, case)
        if self.reference is None:
            raise BrokenCheck("this exercise has no reference solution to compare with")
        observation = self.reference.observations.get(key)
        if observation is None or isinstance(observation, wire.ProbeError):
            raise BrokenCheck(f"the reference solution has no observation for {key!r}: {observation}")
        return wire.decode(observation)

    # -- collection ---------------------------------------------------------------------------

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            self.problems.append(f"cannot collect {report.nodeid}: {text[-1] if text else 'error'}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        public_dir = self.exercise.root / "public"
        seen: set[str] = set()
        for item in items:
            check_id = item.name
            where = f"{Path(str(item.path)).name}::{check_id}"
            points = [m.args[0] for m in item.iter_markers("points") if m.args]
            if len(points) != 1 or not isinstance(points[0], (int, float)) or points[0] <= 0:
                self.problems.append(f"{where} needs exactly one @pytest.mark.points(n) with n > 0")
                continue
            bugs = tuple(m.args[0] for m in item.iter_markers("bug") if m.args)
            unknown = [b for b in bugs if self.exercise.bug(b) is None]
            if unknown:
                self.problems.append(f"{where} names bugs not declared in exercise.toml: {unknown}")
            if check_id in seen:
                self.problems.append(f"check id {check_id!r} is used twice")
            seen.add(check_id)
            doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
            title = doc.strip().splitlines()[0] if doc.strip() else check_id.removeprefix("test_").replace("_", " ")
            public = public_dir in Path(str(item.path)).parents
            marks = [m.args[0] if len(m.args) == 1 else None for m in item.iter_markers("visibility")]
            visibility = marks[0] if marks else "visible"
            if visibility not in VISIBILITIES:
                self.problems.append(f"{where}: @pytest.mark.visibility takes one of {', '.join(VISIBILITIES)}")
                continue
            self.specs.append(CheckSpec(check_id, title, float(points[0]), tuple(reversed(bugs)), public,
                                        visibility))

    # -- outcomes -----------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        self._current = item.name
        try:
            return (yield)
        finally:
            self._current = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report = yield
        if call.when == "teardown" and call.excinfo is None:
            return report
        outcome, message = _verdict(call)
        error = call.excinfo.value if call.excinfo is not None else None
        cause: Cause = "import" if isinstance(error, ImportBlocked) else ""
        evidence = error.bugs if isinstance(error, CheckFailed) else ()  # verify checks they are guarded
        previous = self.outcomes.get(item.name)
        if previous is None or previous.outcome == "passed":
            seconds = call.duration + (previous.seconds if previous else 0.0)
            self.outcomes[item.name] = _Outcome(outcome, message, seconds, cause, evidence)
        return report

    def result(self, spec: CheckSpec) -> CheckResult:
        verdict = self.outcomes.get(spec.id, _Outcome("missing", "This check did not run.", 0.0, "", ()))
        output = ""
        if spec.public and self.record is not None:
            keys = dict.fromkeys(self.observed.get(spec.id, []))
            output = "".join(self.record.outputs.get(k, "") for k in keys)
        return CheckResult(
            id=spec.id, title=spec.title, score=spec.points if verdict.outcome == "passed" else 0.0,
            max_score=spec.points, outcome=verdict.outcome, message=verdict.message, guards=spec.bugs,
            evidence=verdict.evidence, public=spec.public, seconds=round(verdict.seconds, 4), output=output,
            cause=verdict.cause, visibility=spec.visibility,
        )


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the plugin recorded for one check while pytest ran it."""

    outcome: Outcome
    message: str
    seconds: float
    cause: Cause
    evidence: tuple[str, ...]


class Observer:
    """The ``observe`` fixture: call it for an observation, ``.error(...)`` for what was raised."""

    def __init__(self, observe: Callable[..., Any], error: Callable[..., wire.ProbeError | None]) -> None:
        self._observe = observe
        self.error = error

    def __call__(self, name: str, /, **case: Any) -> Any:
        return self._observe(name, **case)


def _author_message(text: str) -> str:
    """The assertion's own message, without pytest's rewritten explanation (it shows check code).

    The judge runs with plain asserts, but a check module already imported under
    assertion rewriting (e.g. when the grader runs inside another pytest) keeps it.
    """
    if text.startswith("assert "):
        return ""
    cut = text.find("\nassert ")
    return (text if cut < 0 else text[:cut]).strip()


def _verdict(call: pytest.CallInfo[None]) -> tuple[Outcome, str]:
    if call.excinfo is None:
        return "passed", ""
    error = call.excinfo.value
    if isinstance(error, ObservationMissing):
        return "missing", str(error)
    if isinstance(error, AssertionError):
        return "failed", _author_message(str(error)) or "This check failed (its author gave no message)."
    if isinstance(error, pytest.skip.Exception):
        return "failed", "This check was skipped, so it earns nothing."
    if isinstance(error, BrokenCheck):
        return "error", f"The check is broken: {error}"
    return "error", f"Your code's result could not be checked ({type(error).__name__}: {str(error)[:300]})."
