"""What a student may see of a result: one function makes the view, every renderer renders it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.errors import ExerciseError
from grader.render.visibility import HIDDEN_MESSAGE, Policy, show

from .samples import LATER, RESULT, SECRET

BEFORE = datetime(2026, 12, 1, tzinfo=UTC)
AFTER = datetime(2026, 12, 31, tzinfo=UTC)


def test_the_instructor_sees_everything() -> None:
    shown = show(RESULT, "instructor")
    assert shown.result == RESULT and not shown.withheld
    assert shown.score_line() == "score 35/100"


def test_a_student_sees_hidden_titles_and_points_but_no_details() -> None:
    shown = show(RESULT, "student", now=BEFORE)
    secret = next(c for c in shown.result.checks if c.id == "test_secret")
    assert (secret.title, secret.score, secret.max_score) == ("Secret check", 0, 20)
    assert secret.message == HIDDEN_MESSAGE and secret.evidence == () and secret.output == ""
    assert "hidden-bug" not in {b.id for b in shown.result.bugs_found}
    assert SECRET not in repr(shown)


def test_checks_released_after_the_due_date_are_withheld_before_it() -> None:
    policy = Policy(due={"bigram": datetime(2026, 12, 15, tzinfo=UTC)})
    before = show(RESULT, "student", policy, BEFORE)
    assert "test_later" not in {c.id for c in before.result.checks} and LATER not in repr(before)
    assert [(w.title, w.max_score, w.until) for w in before.withheld] == [("Later check", 20, "the due date")]
    assert (before.result.score, before.result.max_score) == (35, 80)
    assert before.score_line() == ("checks graded now: 35/80; 1 hidden check (20 points) is graded after "
                                   "the due date")
    after = show(RESULT, "student", policy, AFTER)
    assert not after.withheld and any(c.message == LATER for c in after.result.checks)


def test_without_a_due_date_after_due_date_checks_stay_withheld() -> None:
    assert show(RESULT, "student", Policy(), AFTER).withheld


def test_a_bundle_says_the_other_points_come_from_hidden_checks() -> None:
    public_only = show(RESULT, "student", Policy(overrides={"bigram": "visible"}), BEFORE, points=130)
    assert public_only.score_line() == ("public checks: 35/100; the other 30 points come from hidden checks "
                                        "that your instructor runs")


def test_the_course_overrides_an_exercise_then_a_check(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(
        '[visibility]\nbigram = "hidden"\n"bigram::test_words" = "visible"\n'
        '[due]\n"*" = 2026-12-15\n[published]\nexercises = ["bigram"]\n')
    policy = Policy.load(tmp_path)
    shown = show(RESULT, "student", policy, AFTER)
    by_id = {c.id: c for c in shown.result.checks}
    assert by_id["test_words"].message.startswith("Expected 11 words")
    assert by_id["test_corpus"].visibility == "hidden"
    assert by_id["test_later"].visibility == "hidden"  # the exercise's override wins over its own mark
    assert policy.released("other", "after_due_date", AFTER) and policy.released("bigram", "after_published", BEFORE)


def test_the_course_can_hide_what_the_code_printed(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text('[output]\nvisibility = "hidden"\n')
    student = show(RESULT, "student", Policy.load(tmp_path), AFTER)
    assert all(c.output == "" for c in student.result.checks)
    assert show(RESULT, "instructor", Policy.load(tmp_path)).result.checks[2].output.startswith("printed")


@pytest.mark.parametrize("text, error", [
    ("[visibilty]\n", r"did you mean \[visibility\]"),
    ('[visibility]\nbigram = "secret"\n', "must be one of"),
    ('[due]\nbigram = "tomorrow"\n', "TOML date-time"),
])
def test_a_malformed_course_policy_is_an_error(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(ExerciseError, match=error):
        Policy.load(tmp_path)
