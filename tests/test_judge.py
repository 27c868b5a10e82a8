"""The judge: checks run on a RunRecord; only an explicit pass earns points."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import judge, wire
from grader.errors import ExerciseError
from grader.exercise import Course, Exercise
from grader.record import RunRecord

from .conftest import TOY_COURSE

PLAN = ('import{}', 'add{"x":1}', 'add{"x":41}', 'scaled{"n":4}', 'printing{}')


def fake_record(**observations: object) -> RunRecord:
    keys = {"add1": 'add{"x":1}', "add41": 'add{"x":41}', "scaled": 'scaled{"n":4}', "printing": 'printing{}'}
    return RunRecord(PLAN, {keys[k]: v for k, v in observations.items()}, "ok", (), "test")


REFERENCE = fake_record(add1=2, add41=42, scaled=wire.encode([0.0, 2.0, 4.0, 6.0]), printing=1)


def by_id(results) -> dict:
    return {r.id: r for r in results}


def test_all_observations_right_gives_full_marks(toy: Exercise) -> None:
    results = judge.run(toy, REFERENCE, REFERENCE)
    assert [r.outcome for r in results] == ["passed"] * 4
    assert sum(r.score for r in results) == 10
    assert by_id(results)["test_adds_one"].guards == ("off-by-one",)
    assert all(not r.evidence for r in results)
    assert by_id(results)["test_printing_probe"].public


def test_missing_observation_is_missing_not_passed(toy: Exercise) -> None:
    record = RunRecord(PLAN, {'add{"x":1}': 2}, "crash", ("probe 'add' crashed",), "test")
    results = by_id(judge.run(toy, record, REFERENCE))
    assert results["test_adds_one"].outcome == "passed"
    assert results["test_matches_reference"].outcome == "missing"
    assert "see Problems" in results["test_matches_reference"].message  # the reason is said once, for the pair
    assert results["test_matches_reference"].score == 0
    assert not results["test_matches_reference"].evidence  # a check that did not run saw nothing


def test_no_observation_at_all_means_every_check_is_missing(toy: Exercise) -> None:
    record = RunRecord(PLAN, {}, "crash", ("worker died",), "test")
    assert {r.outcome for r in judge.run(toy, record, REFERENCE)} == {"missing"}


def test_probe_error_fails_with_the_students_exception(toy: Exercise) -> None:
    record = fake_record(add1=wire.ProbeError("raised", "TypeError", "bad operand (line 3 of your file)"))
    result = by_id(judge.run(toy, record, REFERENCE))["test_adds_one"]
    assert result.outcome == "failed"
    assert result.message == "Your code raised TypeError: bad operand (line 3 of your file)"


def test_a_check_names_a_bug_only_when_it_sees_its_symptom(toy: Exercise) -> None:
    symptom = by_id(judge.run(toy, fake_record(add1=3, add41=43), REFERENCE))
    assert symptom["test_adds_one"].evidence == ("off-by-one",)
    other_mistake = by_id(judge.run(toy, fake_record(add1=7, add41=0), REFERENCE))
    assert other_mistake["test_adds_one"].outcome == "failed"
    assert other_mistake["test_adds_one"].evidence == ()
    raised = by_id(judge.run(toy, fake_record(add1=wire.ProbeError("raised", "TypeError", "x")), REFERENCE))
    assert raised["test_adds_one"].evidence == ()


def test_messages_never_show_check_source(toy: Exercise) -> None:
    result = by_id(judge.run(toy, fake_record(add1=5), REFERENCE))["test_adds_one"]
    assert result.message == "add_one should add exactly one; it gave 5."
    assert "assert" not in result.message and "observe(" not in result.message


def test_wrong_type_from_student_is_an_error_not_a_crash(toy: Exercise) -> None:
    record = fake_record(scaled={"oops": 1}, add41="text")
    results = by_id(judge.run(toy, record, REFERENCE))
    assert results["test_scaled"].outcome == "failed"
    assert results["test_matches_reference"].outcome == "failed"


def _broken_copy(tmp_path: Path, check_source: str) -> Exercise:
    shutil.copytree(TOY_COURSE, tmp_path / "course")
    (tmp_path / "course/exercises/toy/checks/test_extra.py").write_text(check_source)
    return Course(tmp_path / "course").get("toy")


@pytest.mark.parametrize(("source", "problem"), [
    ("def test_no_points(observe):\n    pass\n", "needs exactly one @pytest.mark.points"),
    ("import pytest\n@pytest.mark.points(1)\n@pytest.mark.bug('nope')\ndef test_x(observe):\n    pass\n",
     "names bugs not declared"),
    ("import pytest\n@pytest.mark.pionts(1)\ndef test_x(observe):\n    pass\n", "cannot collect"),
    ("syntax error here\n", "cannot collect"),
])
def test_broken_checks_are_exercise_errors(tmp_path: Path, source: str, problem: str) -> None:
    exercise = _broken_copy(tmp_path, source)
    with pytest.raises(ExerciseError, match=problem):
        judge.collect(exercise)


def test_checks_that_import_a_sibling_module_work_in_every_exercise(tmp_path: Path) -> None:
    """``from .helpers import x`` in checks/: a second exercise must not find the first one's ``checks``."""
    for name in ("one", "two"):
        shutil.copytree(TOY_COURSE, tmp_path / name)
        checks = tmp_path / name / "exercises/toy/checks"
        (checks / "helpers.py").write_text(f"WHO = {name!r}\n")
        hidden = checks / "test_hidden.py"
        sibling = "import pytest\n\nfrom .helpers import WHO  # noqa\n"
        hidden.write_text(hidden.read_text().replace("import pytest\n", sibling, 1))
    assert [len(judge.collect(Course(tmp_path / name).get("toy"))) for name in ("one", "two")] == [4, 4]
