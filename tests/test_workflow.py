"""A TA's whole workflow through the CLI: mixed layouts and hostile files, regrades with a trace, LMS files.

Each test grades a small class of the toy course for real (sandboxed workers),
through Click's runner, and once as a real subprocess.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.render.lms import CANVAS_IDENTITY

from .conftest import TOY_COURSE

pytestmark = pytest.mark.slow
SOLUTION = (TOY_COURSE / "solutions" / "toy.py").read_text()
MUTANT = (TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py").read_text()


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _mixed_class(root: Path) -> Path:
    klass = root / "class"
    _write(klass / "ana" / "toy.py", SOLUTION)  # one folder per student
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(MUTANT)])
    _write(klass / "ben_toy.ipynb", nbformat.writes(nb))  # flat
    _zip(klass / "cy.zip", {"cy/toy.py": SOLUTION.encode()})  # a zip per student
    _write(klass / "doejane_late_1234_5678_toy.py", MUTANT)  # a Canvas download, late
    _write(klass / "José O'Brien" / "toy.py", SOLUTION)  # a name with a space, a quote, non-ASCII
    # hostile and malformed files: each costs its own pair, one line each
    _write(klass / "eve" / "toy.ipynb", "{not json")
    _write(klass / "fay" / "toy.py", b"x = '\xff\xfe'\n")
    _write(klass / "gus" / "toy.py", b"")
    (klass / "hal" / "toy.py").mkdir(parents=True)
    _zip(klass / "ivy_toy.zip", {"toy.py": b"#" * (11 * 1024 * 1024)})  # a zip bomb (a few KB packed)
    _zip(klass / "jon_toy.zip", {"../../toy.py": SOLUTION.encode()})
    _write(klass / "kim" / "toy.ipynb", json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": 1},
                                                    "cells": [{"cell_type": "code", "source": "x = '\ud800'",
                                                               "metadata": {}}]}, ensure_ascii=True))
    _write(klass / "README.md", "Homework 1")
    _write(klass / "ana" / "scratch.txt", "notes")
    return klass


def _grade(runner: CliRunner, klass: Path, out: Path, *extra: str, course: Path = TOY_COURSE):
    result = runner.invoke(cli, ["grade", str(klass), "--out", str(out), "--course", str(course), "--jobs", "2",
                                 *extra])
    assert result.exit_code == 0, result.output
    return result


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8").splitlines()))


def test_a_mixed_class_with_hostile_files(runner: CliRunner, tmp_path: Path) -> None:
    klass, out = _mixed_class(tmp_path), tmp_path / "out"
    result = _grade(runner, klass, out, "--lms", "canvas", "--lms", "moodle")
    output = " ".join(result.output.split())
    gradebook = _rows(out / "gradebook.csv")
    assert gradebook[0] == ["student", "toy", "total", "max_total", "percent", "errors", "late"]
    assert gradebook[1][:3] == ["Points Possible", "10", "10"]
    scores = {row[0]: row[1] for row in gradebook[2:]}
    assert scores == {"ana": "10", "ben": "2", "cy": "10", "doejane_1234": "2", "José O'Brien": "10", "eve": "0",
                      "fay": "0", "gus": "0", "hal": "0", "ivy": "0", "jon": "0", "kim": "0"}
    assert next(row for row in gradebook if row[0] == "doejane_1234")[-1] == "toy"  # the Canvas late flag
    for problem in ("eve / toy", "fay / toy", "hal / toy", "ivy / toy", "jon / toy", "kim / toy"):
        assert problem in output  # one line each, in the progress and in the summary
    assert "is a directory" in output and "unpacks to more than" in output and "outside the submission" in output
    assert "Traceback" not in result.output
    assert "ana/scratch.txt: not a submission" in output and "README.md" not in output
    assert "12 graded now, 0 unchanged (from the store)" in output and "the run took" in output
    feedback = (out / "feedback").iterdir()
    names = {p.name for p in feedback}
    assert "ana.md" in names and len(names) == 12
    ben = (out / "feedback" / "ben.md").read_text()
    assert ben.startswith("# Feedback for ben") and "**What to fix first:**" in ben and "Adds two instead of one" in ben
    summary = (out / "summary.md").read_text()
    assert "Score distribution" in summary and "Pairs that errored, crashed or timed out" in summary
    assert "Most frequent known bugs" in summary
    assert (out / "similarity.md").read_text().startswith("# Similarity report")
    assert len((out / "results.jsonl").read_text().splitlines()) == 12

    canvas = _rows(out / "canvas.csv")
    assert tuple(canvas[0][:5]) == CANVAS_IDENTITY and canvas[0][5:] == ["toy"]  # one assignment column, no total
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "10"
    doejane = next(row for row in canvas if row[0] == "doejane")
    assert doejane[1] == "1234" and doejane[5] == "2"  # found by the Canvas user id from the download
    assert all(row[1] or row[2] or row[3] for row in canvas[2:])  # every student can be found
    moodle = _rows(out / "moodle.csv")
    assert moodle[0][0] in ("Username", "Email address", "ID number") and moodle[0][2:] == ["toy"]
    assert all(row[0] for row in moodle[1:]) and len(moodle) == 13  # an identifier on every row, no points row
    assert all(cell == "" or float(cell) >= 0 for row in moodle[1:] for cell in row[2:])


def test_a_roster_gives_the_lms_ids_and_columns(runner: CliRunner, tmp_path: Path) -> None:
    klass, out = tmp_path / "class", tmp_path / "out"
    _write(klass / "ana" / "toy.py", SOLUTION)
    _write(klass / "doejane_late_1234_5678_toy.py", MUTANT)
    roster = _write(tmp_path / "export.csv",
                    "Student,ID,SIS User ID,SIS Login ID,Section,Toy exercise for the engine's own tests (777),"
                    "Current Score\n    Points Possible,,,,,10,(read only)\n"
                    "\"Lima, Ana\",11,S-1,ana,Lab 1,,\n\"Doe, Jane\",1234,S-2,jdoe,Lab 2,,\n")
    _grade(runner, klass, out, "--lms", "canvas", "--lms", "moodle", "--roster", str(roster))
    canvas = _rows(out / "canvas.csv")
    assert canvas[0][5:] == ["Toy exercise for the engine's own tests (777)"]  # the existing assignment
    assert ["Doe, Jane", "1234", "S-2", "jdoe", "Lab 2", "2"] in canvas
    assert ["Lima, Ana", "11", "S-1", "ana", "Lab 1", "10"] in canvas
    moodle = _rows(out / "moodle.csv")
    assert moodle[0][0] == "Username" and ["jdoe", "Doe, Jane", "2"] in moodle


def test_a_regrade_after_the_suite_changed_is_traced(runner: CliRunner, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(TOY_COURSE, course)
    klass, out = tmp_path / "class", tmp_path / "out"
    _write(klass / "ana" / "toy.py", SOLUTION)
    _write(klass / "ben" / "toy.py", MUTANT)
    _grade(runner, klass, out, course=course)
    checks = course / "exercises" / "toy" / "checks" / "test_hidden.py"
    checks.write_text(checks.read_text().replace("@pytest.mark.points(3)\n@pytest.mark.bug(\"off-by-one\")\n"
                                                 "def test_adds_one", "@pytest.mark.points(4)\n"
                                                 "@pytest.mark.bug(\"off-by-one\")\ndef test_adds_one"))
    again = _grade(runner, klass, out, course=course)
    output = " ".join(again.output.split())
    assert "2 graded now, 0 unchanged" in output
    assert ("ana / toy: 10 → 11/11 (the exercise changed (checks, probes or solution)): test_adds_one passed 3/3 → "
            "passed 4/4") in output
    assert "ben / toy" not in output.split("Scores changed by this run")[1].split("Not graded")[0]  # 2 -> 2
    trace = runner.invoke(cli, ["history", "ana", "--out", str(out), "--course", str(course)])
    assert trace.exit_code == 0, trace.output
    assert "2 gradings, 1 submissions" in trace.output and "10 → 11: the exercise changed" in trace.output
    assert "test_adds_one: passed 3/3 → passed 4/4" in trace.output and "(counts)" in trace.output


def test_one_student_alone_resubmissions_best_and_chosen(runner: CliRunner, tmp_path: Path) -> None:
    klass, out = tmp_path / "class", tmp_path / "out"
    _write(klass / "ana" / "toy.py", SOLUTION)
    _write(klass / "ben" / "toy.py", MUTANT)
    _grade(runner, klass, out)
    _write(klass / "ana" / "toy.py", MUTANT)  # ana resubmits something worse
    alone = _grade(runner, klass, out, "--student", "ana")
    assert "1 graded now, 0 unchanged" in " ".join(alone.output.split())
    assert {r[0]: r[1] for r in _rows(out / "gradebook.csv")[2:]} == {"ana": "2", "ben": "2"}  # the whole folder
    _grade(runner, klass, out, "--select", "best")
    assert {r[0]: r[1] for r in _rows(out / "gradebook.csv")[2:]}["ana"] == "10"
    listed = runner.invoke(cli, ["history", "ana", "--out", str(out), "--course", str(TOY_COURSE)])
    first = listed.output.split("submission ")[1].split()[0]
    chose = runner.invoke(cli, ["choose", "ana", "toy", first[:6], "--out", str(out)])
    assert chose.exit_code == 0 and "counts from now on" in chose.output
    _grade(runner, klass, out)
    assert {r[0]: r[1] for r in _rows(out / "gradebook.csv")[2:]}["ana"] == "10"  # chosen beats latest
    forced = _grade(runner, klass, out, "--student", "ben", "--force")
    assert "1 graded now, 0 unchanged" in " ".join(forced.output.split())
    unknown = runner.invoke(cli, ["grade", str(klass), "--out", str(out), "--course", str(TOY_COURSE),
                                  "--student", "anna"])
    assert unknown.exit_code == 2 and "did you mean ana" in unknown.output


def test_as_a_real_subprocess(tmp_path: Path) -> None:
    klass, out = tmp_path / "class", tmp_path / "out"
    _write(klass / "ana_toy.py", SOLUTION)
    _write(klass / "ben_toy.py", MUTANT)
    grader = Path(sys.executable).parent / "grader"
    done = subprocess.run([str(grader), "grade", str(klass), "--course", str(TOY_COURSE), "--out", str(out),
                           "--lms", "canvas", "--jobs", "2"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "GRADER_QUIET_COURSE": "0"})
    assert done.returncode == 0, done.stderr
    assert f"course: {TOY_COURSE}" in done.stderr and "Class summary" in done.stdout
    assert [row[5] for row in _rows(out / "canvas.csv")[2:]] == ["10", "2"]
