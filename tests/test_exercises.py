"""Every bundled exercise is sound, and grades other people's code fairly.

- ``grader verify`` holds: solution full marks, stub 0, originals and mutants
  caught, identical observations on two runs.
- Other correct implementations (``tests/submissions/<id>/correct_*``) score
  full marks and name no bug; plausible buggy ones (``buggy_*``) lose points
  with a message and name no catalogued bug (unless their first line declares
  ``# expect-bugs: id``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import authoring, engine
from grader.exercise import find_course
from grader.sandbox import Pool

from .expected_bugs import expected_bugs

pytestmark = pytest.mark.slow
COURSE = find_course(Path(__file__).parent.parent)
SUBMISSIONS = Path(__file__).parent / "submissions"


@pytest.mark.parametrize("exercise_id", COURSE.ids())
def test_exercise_is_sound(exercise_id: str, pool: Pool) -> None:
    report = authoring.verify(COURSE.get(exercise_id), pool)
    failures = [f"{f.subject}: {f.claim} ({f.detail})" for f in report.findings if not f.ok]
    assert not failures, "\n".join(failures)


def _submissions(prefix: str) -> list[tuple[str, Path]]:
    return [(p.parent.name, p) for p in sorted(SUBMISSIONS.glob(f"*/{prefix}_*")) if p.parent.name in COURSE.ids()]


@pytest.mark.parametrize(("exercise_id", "path"), _submissions("correct"), ids=lambda v: getattr(v, "name", v))
def test_other_correct_implementations_score_full_marks(exercise_id: str, path: Path, pool: Pool) -> None:
    result = engine.grade_file(COURSE.get(exercise_id), path, pool)
    failed = [f"{c.id}: {c.message}" for c in result.checks if c.outcome != "passed"]
    assert result.score == result.max_score, "\n".join(failed)
    assert not result.bugs_found and not result.bugs_possible


@pytest.mark.parametrize(("exercise_id", "path"), _submissions("buggy"), ids=lambda v: getattr(v, "name", v))
def test_plausible_buggy_implementations_lose_points_with_a_message(exercise_id: str, path: Path,
                                                                   pool: Pool) -> None:
    result = engine.grade_file(COURSE.get(exercise_id), path, pool)
    failed = [c for c in result.checks if c.outcome != "passed"]
    assert result.score < result.max_score
    assert all(len(c.message) > 20 for c in failed)
    named = sorted([b.id for b in result.bugs_found] + ["|".join(b.id for b in p.bugs) for p in result.bugs_possible])
    assert named == expected_bugs(path), f"the report names {named}: a plausible mistake that is none of the " \
                                          "catalogued bugs must name none"

