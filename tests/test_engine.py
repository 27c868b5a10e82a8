"""Grading real submissions of the toy exercise end to end, hostile ones included.

Whatever a submission does, the grader reports it and goes on, and only an
explicit pass of a check earns points.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from grader import engine, sandbox
from grader.exercise import Exercise

from .conftest import HOSTILE, TOY_COURSE


def outcomes(result) -> dict[str, str]:
    return {c.id: c.outcome for c in result.checks}


def test_solution_scores_full_marks(toy: Exercise) -> None:
    result = engine.grade_file(toy, TOY_COURSE / "solutions" / "toy.py")
    assert (result.score, result.max_score) == (10, 10)
    assert not result.errors and not result.bugs_found
    assert result.isolation and result.submission_sha256


def test_mutant_loses_its_bugs_checks_and_names_the_bug(toy: Exercise) -> None:
    result = engine.grade_file(toy, toy.mutants["off-by-one"])
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
]


@pytest.mark.parametrize(("name", "score", "fragment"), HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_submission_is_contained(toy: Exercise, name: str, score: float, fragment: str) -> None:
    started = time.monotonic()
    result = engine.grade_file(toy, HOSTILE / name)
    assert result.score == score
    text = " ".join([*result.errors, *(c.message for c in result.checks)])
    assert fragment in text
    assert time.monotonic() - started < toy.limits.wall_seconds + 30


def test_a_hang_at_import_costs_only_that_submission(toy: Exercise) -> None:
    slow = toy.__class__(**{**{f: getattr(toy, f) for f in toy.__dataclass_fields__},
                            "limits": toy.limits.__class__(wall_seconds=4, probe_seconds=3)})
    result = engine.grade_file(slow, HOSTILE / "sleeps_at_import.py")
    assert result.score == 0
    assert {c.outcome for c in result.checks} <= {"missing", "failed"}
    assert any("time limit" in e for e in result.errors)


def test_network_is_unreachable_from_the_worker(toy: Exercise) -> None:
    if not sandbox.namespace_prefix():
        pytest.skip("no user namespaces on this machine: the network is not isolated")
    result = engine.grade_file(toy, HOSTILE / "network.py")
    message = next(c.message for c in result.checks if c.id == "test_adds_one")
    assert "Network is unreachable" in message or "OSError" in message


def test_processes_started_by_a_submission_are_gone_afterwards(toy: Exercise) -> None:
    if not sandbox.namespace_prefix():
        pytest.skip("no PID namespace: a setsid daemon can outlive its worker")
    engine.grade_file(toy, HOSTILE / "spawns_daemon.py")
    time.sleep(0.2)
    leftover = subprocess.run(["pgrep", "-f", "^sleep 300$"], capture_output=True, text=True).stdout.split()
    assert leftover == [], f"left running: {leftover}"


def test_worker_environment_leaks_nothing_of_the_grader() -> None:
    env = sandbox.worker_environment(Path("/tmp/x"))
    assert env["OMP_NUM_THREADS"] == "1" and env["HF_HUB_OFFLINE"] == "1"
    assert not set(env) & {k for k in os.environ if k.startswith(("GRADER", "AWS", "GITHUB"))}


def test_print_output_is_kept_per_case_and_capped(toy: Exercise) -> None:
    from grader import submission

    record = sandbox.run(toy, submission.load(HOSTILE / "output_flood.py"))
    assert all(len(text) <= 4096 for text in record.outputs.values())
    assert record.outputs['add{"x":1}'].startswith("yyyy")
    assert record.exit == "ok"


def test_public_checks_show_output_hidden_ones_do_not(toy: Exercise) -> None:
    result = engine.grade_file(toy, TOY_COURSE / "solutions" / "toy.py")
    by_id = {c.id: c for c in result.checks}
    assert "visible output" in by_id["test_printing_probe"].output
    assert all(not c.output for c in result.checks if not c.public)


def test_repeated_runs_give_identical_results(toy: Exercise) -> None:
    first = engine.grade_file(toy, toy.mutants["off-by-one"])
    second = engine.grade_file(toy, toy.mutants["off-by-one"])
    strip = lambda r: [(c.id, c.outcome, c.score, c.message) for c in r.checks]  # noqa: E731
    assert strip(first) == strip(second)


def test_class_folder_layouts(tmp_path: Path, toy_course) -> None:
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "toy.py").write_text("x = 1")
    (tmp_path / "ann" / "notes.txt").write_text("x")
    (tmp_path / "bob.py").write_text("x = 1")
    entries, warnings = engine.find_submissions(tmp_path, toy_course)
    assert [(e.student, e.exercise_id) for e in entries] == [("ann", "toy")]
    assert len(warnings) == 2  # notes.txt inside a student folder, bob.py outside any
    entries, _ = engine.find_submissions(tmp_path, toy_course, exercise_id="toy")
    assert sorted(e.student for e in entries) == ["ann", "bob"]
