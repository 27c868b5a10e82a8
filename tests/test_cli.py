"""The command line, through Click's runner and as a real subprocess."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from click.testing import CliRunner

from grader.cli import cli

from .conftest import HOSTILE, TOY_COURSE

SOLUTION = TOY_COURSE / "solutions" / "toy.py"
MUTANT = TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py"
COURSE = ["--course", str(TOY_COURSE)]


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    for command in ("list", "show", "submit", "grade", "verify"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example: grader" in result.output


def test_list_and_show(runner: CliRunner) -> None:
    listed = runner.invoke(cli, [*COURSE, "list"])
    assert listed.exit_code == 0 and listed.output.startswith("toy ")
    shown = runner.invoke(cli, [*COURSE, "show", "toy"])
    assert shown.exit_code == 0 and "Implement `add_one(x)`" in shown.output


def test_unknown_exercise_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*COURSE, "submit", "tyo", str(SOLUTION)])
    assert result.exit_code == 2 and "Did you mean 'toy'" in result.output


def test_missing_file_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(cli, [*COURSE, "submit", "toy", "nope.py"]).exit_code == 2


def test_submit_text_report_names_the_bug(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*COURSE, "submit", "toy", str(MUTANT)], terminal_width=100)
    assert result.exit_code == 0
    assert "score 2/10" in result.output
    assert "Adds two instead of one" in result.output and "add_one must return x + 1." in result.output
    assert "add_one should add exactly one; it gave 3." in result.output


def test_submit_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*COURSE, "submit", "toy", str(MUTANT), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"exercise", "score", "max_score", "checks", "bugs_found", "bugs_possible", "errors",
            "isolation"} <= set(data)
    check = data["checks"][0]
    assert set(check) >= {"id", "title", "score", "max_score", "outcome", "guards", "evidence", "message"}
    assert check["evidence"] == ["off-by-one"] and check["outcome"] == "failed"
    assert [b["id"] for b in data["bugs_found"]] == ["off-by-one"]


def test_fail_under_sets_the_exit_status(runner: CliRunner) -> None:
    assert runner.invoke(cli, [*COURSE, "submit", "toy", str(MUTANT), "--fail-under", "25"]).exit_code == 1
    assert runner.invoke(cli, [*COURSE, "submit", "toy", str(MUTANT), "--fail-under", "20"]).exit_code == 0


def test_unreadable_submission_reports_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    result = runner.invoke(cli, [*COURSE, "submit", "toy", str(broken)])
    assert result.exit_code == 1
    assert "not a valid Jupyter notebook" in result.output and "score 0/10" in result.output


def test_grade_folder_writes_gradebook_and_feedback(runner: CliRunner, tmp_path: Path) -> None:
    klass = tmp_path / "class"
    for student, source in {"ann": SOLUTION, "bob": MUTANT, "cy": HOSTILE / "hangs.py"}.items():
        (klass / student).mkdir(parents=True)
        shutil.copy(source, klass / student / "toy.py")
    (klass / "dee").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOLUTION.read_text())])
    (klass / "dee" / "toy.ipynb").write_text(nbformat.writes(nb))
    (klass / "eve").mkdir()
    (klass / "eve" / "toy.ipynb").write_text("{broken")
    out = tmp_path / "out"
    result = runner.invoke(cli, [*COURSE, "grade", str(klass), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())
            if r["student"] != "Points Possible"}
    assert {s: rows[s]["toy"] for s in rows} == {"ann": "10", "bob": "2", "cy": "2", "dee": "10", "eve": "0"}
    assert len((out / "results.jsonl").read_text().splitlines()) == 5
    assert "Adds two instead of one" in (out / "feedback" / "bob.md").read_text()
    assert "not a valid Jupyter notebook" in (out / "feedback" / "eve.md").read_text()
    assert "Most frequent known bugs" in result.output


def test_verify_passes_on_the_toy_exercise(runner: CliRunner) -> None:
    result = runner.invoke(cli, [*COURSE, "verify", "toy"])
    assert result.exit_code == 0, result.output
    assert "PASS  toy" in result.output


def test_verify_fails_when_a_mutant_is_not_caught(runner: CliRunner, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(TOY_COURSE, course)
    shutil.copy(SOLUTION, course / "exercises" / "toy" / "mutants" / "off-by-one.py")
    result = runner.invoke(cli, ["--course", str(course), "verify", "toy"])
    assert result.exit_code == 1
    assert "FAIL mutants/off-by-one.py" in result.output


def test_real_subprocess_submit() -> None:
    env = {**os.environ, "GRADER_COURSE": str(TOY_COURSE)}
    grader = Path(sys.executable).parent / "grader"
    done = subprocess.run([str(grader), "submit", "toy", str(SOLUTION), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 10
