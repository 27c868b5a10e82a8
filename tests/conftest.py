"""Shared fixtures: the toy course, a private reference cache, Click's runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.exercise import Course, Exercise
from grader.sandbox import Pool

HERE = Path(__file__).parent
TOY_COURSE = HERE / "fixtures" / "course"
HOSTILE = HERE / "fixtures" / "submissions"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Reference observations are cached per test session, never in the user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADER_CACHE_DIR", str(tmp_path_factory.mktemp("grader-cache")))
    mp.delenv("GRADER_COURSE", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def pool(_private_cache: None) -> Pool:
    """One warm pool for the whole session, hiding the toy course from its workers.

    Under pytest-xdist the cores are shared out between the test processes (one slot each on two cores).
    """
    processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slots = max(1, len(os.sched_getaffinity(0)) // processes)
    with Pool(max(slots, 2) if processes == 1 else slots, hidden=(TOY_COURSE,)) as shared:
        yield shared


@pytest.fixture
def toy_course() -> Course:
    return Course(TOY_COURSE)


@pytest.fixture
def toy(toy_course: Course) -> Exercise:
    return toy_course.get("toy")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
