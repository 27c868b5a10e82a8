"""Grading real submissions of the toy exercise end to end, hostile ones included.

Whatever a submission does, the grader reports it and goes on, and only an
explicit pass of a check earns points.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from grader import engine
from grader.discovery import find_submissions
from grader.exercise import Exercise
from grader.sandbox import Pool

from .conftest import HOSTILE, TOY_COURSE


def outcomes(result) -> dict[str, str]:
    return {c.id: c.outcome for c in result.checks}


def test_solution_scores_full_marks(toy: Exercise, pool: Pool) -> None:
    result = engine.grade_file(toy, TOY_COURSE / "solutions" / "toy.py", pool)
    assert (result.score, result.max_score) == (10, 10)
    assert not result.errors and not result.bugs_found
    assert result.isolation and result.submission_sha256


def test_mutant_loses_its_bugs_checks_and_names_the_bug(toy: Exercise, pool: Pool) -> None:
    result = engine.grade_file(toy, toy.mutants["off-by-one"], pool)
    assert outcomes(result)["test_adds_one"] == "failed"
    assert [b.id for b in result.bugs_found] == ["off-by-one"]
    assert "exactly one" in next(c.message for c in result.checks if c.id == "test_adds_one")


# (file, expected score, a fragment of the first error or of a failing check's message)
HOSTILE_CASES = [
    ("exit_at_import.py", 0, "SystemExit: bye"),
    ("syntax_error.py", 0, "SyntaxError: expected ':' (line 1 of your file)"),
    ("os_exit_in_probe.py", 7, "the process (exit status 7)"),
    ("hangs.py", 2, "did not finish within 3 s"),
    ("memory_bomb.py", 2, "MemoryError: ran out of memory"),
    ("always_equal.py", 0, "cannot be checked"),
    ("forges_protocol.py", 0, "broke the protocol"),
    ("output_flood.py", 10, ""),
    ("latin1.py", 0, "is not UTF-8"),
    ("hangs_late.py", 8, "did not finish within 3 s"),
    ("plants_links.py", 8, "exit status 3"),
    ("surrogates.py", 4, "lone surrogate \ufffd in a message"),
]


SLOW = {"hangs.py", "hangs_late.py", "memory_bomb.py"}


@pytest.mark.parametrize(("name", "score", "fragment"),
                         [pytest.param(*c, marks=pytest.mark.slow) if c[0] in SLOW else c for c in HOSTILE_CASES],
                         ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_submission_is_contained(toy: Exercise, pool: Pool, name: str, score: float, fragment: str) -> None:
    started = time.monotonic()
    result = engine.grade_file(toy, HOSTILE / name, pool)
    assert result.score == score
    text = " ".join([*result.errors, *(c.message for c in result.checks)])
    assert fragment in text
    assert time.monotonic() - started < toy.limits.wall_seconds + 30


@pytest.mark.slow
def test_a_hang_costs_only_the_checks_that_need_it_whatever_the_order(toy: Exercise, pool: Pool) -> None:
    early = {c.id: c.outcome for c in engine.grade_file(toy, HOSTILE / "hangs.py", pool).checks}
    late = {c.id: c.outcome for c in engine.grade_file(toy, HOSTILE / "hangs_late.py", pool).checks}
    assert early["test_scaled"] == "passed" and late["test_adds_one"] == "passed"
    assert early["test_adds_one"] == "failed" and late["test_scaled"] == "failed"


def test_a_planted_link_never_reaches_the_report(toy: Exercise, pool: Pool) -> None:
    result = engine.grade_file(toy, HOSTILE / "plants_links.py", pool)
    public = next(c for c in result.checks if c.public)
    assert public.output.splitlines() == ["visible output from the student's code", "only what I printed"]


def test_text_that_is_not_unicode_comes_out_as_valid_utf8(toy: Exercise, pool: Pool) -> None:
    import json

    from grader.render import WRITERS

    result = engine.grade_file(toy, HOSTILE / "surrogates.py", pool)
    stream = io.StringIO()
    WRITERS["json"]([result], stream)
    stream.getvalue().encode("utf-8")  # raises on a lone surrogate
    assert json.loads(stream.getvalue())["score"] == result.score


@pytest.mark.slow
def test_a_hang_at_import_costs_only_that_submission(toy: Exercise, pool: Pool) -> None:
    slow = toy.__class__(**{**{f: getattr(toy, f) for f in toy.__dataclass_fields__},
                            "limits": toy.limits.__class__(wall_seconds=4, probe_seconds=3)})
    result = engine.grade_file(slow, HOSTILE / "sleeps_at_import.py", pool)
    assert result.score == 0
    assert {c.outcome for c in result.checks} <= {"missing", "failed"}
    assert any("importing the submission timed out after 3 s" in e for e in result.errors), result.errors
    assert {c.cause for c in result.checks} == {"import"}  # blocked by the import, said once in errors


def test_print_output_is_kept_per_case_and_capped(toy: Exercise, pool: Pool) -> None:
    from grader import submission

    record = pool.run(toy, submission.load(HOSTILE / "output_flood.py"))
    assert all(len(text) <= 4096 for text in record.outputs.values())
    assert record.outputs['add{"x":1}'].startswith("yyyy")
    assert record.exit == "ok"


def test_public_checks_show_output_hidden_ones_do_not(toy: Exercise, pool: Pool) -> None:
    result = engine.grade_file(toy, TOY_COURSE / "solutions" / "toy.py", pool)
    by_id = {c.id: c for c in result.checks}
    assert "visible output" in by_id["test_printing_probe"].output
    assert all(not c.output for c in result.checks if not c.public)


def test_repeated_runs_give_identical_results(toy: Exercise, pool: Pool) -> None:
    first = engine.grade_file(toy, toy.mutants["off-by-one"], pool)
    second = engine.grade_file(toy, toy.mutants["off-by-one"], pool)
    strip = lambda r: [(c.id, c.outcome, c.score, c.message) for c in r.checks]  # noqa: E731
    assert strip(first) == strip(second)


def test_class_folder_layouts(tmp_path: Path, toy_course) -> None:
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "toy.py").write_text("x = 1")
    (tmp_path / "ann" / "notes.txt").write_text("x")
    (tmp_path / "bob.py").write_text("x = 1")
    entries, warnings = find_submissions(tmp_path, toy_course)
    assert [(e.student, e.exercise_id) for e in entries] == [("ann", "toy")]
    assert len(warnings) == 2  # notes.txt inside a student folder, bob.py outside any
    entries, _ = find_submissions(tmp_path, toy_course, exercise_id="toy")
    assert sorted(e.student for e in entries) == ["ann", "bob"]
