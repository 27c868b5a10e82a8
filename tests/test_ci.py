"""grader ci in a student's repository, the workflow templates as shipped, and CI scores vs the re-grade."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import xmlschema
import yaml
from click.testing import CliRunner

from grader import ci
from grader.cli import cli
from grader.errors import UsageError
from grader.exercise import Course
from grader.results import CheckResult, PairResult

from .conftest import TOY_COURSE

ROOT = Path(__file__).parent.parent
SOLUTION = TOY_COURSE / "solutions" / "toy.py"
MUTANT = TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py"
GRADER = Path(sys.executable).parent / "grader"
JUNIT_SCHEMA = Path(__file__).parent / "render" / "junit-10.xsd"


def _course_with(tmp_path: Path, *ids: str) -> Course:
    root = tmp_path / "course"
    for exercise_id in ids:
        shutil.copytree(TOY_COURSE / "exercises" / "toy", root / "exercises" / exercise_id)
    return Course(root)


# ---- which file is which exercise -------------------------------------------------------------------------


def test_files_are_found_by_name_header_and_grader_toml(tmp_path: Path) -> None:
    course = _course_with(tmp_path, "toy", "other", "third")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    shutil.copy(SOLUTION, repo / "src" / "toy.py")
    (repo / "mine.py").write_text("# exercise: other\nimport numpy\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# exercise: toy"),
                                               nbformat.v4.new_code_cell("# Exercise: third\nx = 1")])
    (repo / "work.ipynb").write_text(nbformat.writes(notebook))
    (repo / ".venv").mkdir()
    (repo / ".venv" / "toy.py").write_text("not me")
    found, warnings = ci.discover(repo, course)
    assert [(f.exercise_id, f.path.name, f.how) for f in found] == [
        ("other", "mine.py", "header"), ("third", "work.ipynb", "header"), ("toy", "toy.py", "file name")]
    assert warnings == []
    (repo / "grader.toml").write_text('[exercises]\ntoy = "mine.py"\n')
    found, warnings = ci.discover(repo, course)
    assert ("toy", "mine.py", "grader.toml") in [(f.exercise_id, f.path.name, f.how) for f in found]
    assert any("src/toy.py: not graded" in w for w in warnings)


def test_ambiguous_and_unknown_names_are_said(tmp_path: Path) -> None:
    course = _course_with(tmp_path, "toy")
    repo = tmp_path / "repo"
    (repo / "a").mkdir(parents=True)
    (repo / "b").mkdir()
    (repo / "a" / "toy.py").write_text("")
    (repo / "b" / "toy.py").write_text("")
    with pytest.raises(UsageError, match="several files answer exercise 'toy'"):
        ci.discover(repo, course)
    shutil.rmtree(repo / "b")
    (repo / "x.py").write_text("# exercise: tyo\n")
    assert ci.discover(repo, course)[1] == ["x.py: header names unknown exercise 'tyo' (did you mean 'toy'?)"]
    (repo / "grader.toml").write_text('[exercises]\ntyo = "x.py"\n')
    with pytest.raises(UsageError, match="did you mean 'toy'"):
        ci.discover(repo, course)
    (repo / "grader.toml").write_text('[exercises]\ntoy = "../outside.py"\n')
    with pytest.raises(UsageError, match="not a file inside the repository"):
        ci.discover(repo, course)


def test_the_digest_changes_with_any_file_of_the_suites(tmp_path: Path) -> None:
    course = _course_with(tmp_path, "toy")
    before = ci.suites_digest(course)
    assert before == ci.suites_digest(course)
    with (course.root / "exercises" / "toy" / "public" / "test_public.py").open("a") as f:
        f.write("\n# edited\n")
    assert ci.suites_digest(course) != before


# ---- CI scores against the instructor's re-grade ------------------------------------------------------------


def _result(student: str, scores: dict[str, float], sha: str = "s1") -> PairResult:
    checks = tuple(CheckResult(c, c, s, 5, "passed" if s == 5 else "failed", "") for c, s in scores.items())
    return PairResult("toy", "Toy", "toy.py", student, sum(scores.values()), 5 * len(scores), checks,
                      submission_sha256=sha)


def test_compare_marks_every_student_whose_ci_score_differs(tmp_path: Path) -> None:
    public = {"test_public": 5.0}
    reports = {
        "ann": ci.CiReport((_result("ann", public),), "d1"),
        "ben": ci.CiReport((_result("someone-else", {"test_public": 5.0}),), "d1"),   # claims a score he lacks
        "cat": ci.CiReport((_result("cat", public, sha="other"),), "d1"),
        "dan": ci.CiReport((_result("dan", public),), "d2"),
        "eve": ci.CiReport((_result("eve", {"test_invented": 5.0}),), "d1"),
    }
    instructor = [_result("ann", {"test_public": 5.0, "test_hidden": 0.0}),
                  _result("ben", {"test_public": 0.0, "test_hidden": 0.0}),
                  _result("cat", {"test_public": 5.0}), _result("dan", public), _result("eve", public),
                  _result("fay", public)]
    rows = {r.student: r for r in ci.compare(reports, instructor, expect_digest="d1")}
    assert {s: r.verdict for s, r in rows.items()} == {
        "ann": "same", "ben": "differs", "cat": "different file", "dan": "suites differ", "eve": "suites differ",
        "fay": "no CI result"}
    assert (rows["ann"].ci_score, rows["ann"].instructor_score) == (5, 5)  # on the same (public) checks
    assert (rows["ben"].ci_score, rows["ben"].instructor_score) == (5, 0)
    assert {s for s, r in rows.items() if r.flagged} == {"ben", "cat", "dan", "eve"}


def test_compare_ci_command_reads_collected_reports_and_results_jsonl(tmp_path: Path, runner: CliRunner) -> None:
    collected = tmp_path / "collected"
    (collected / "ann").mkdir(parents=True)
    (collected / "ann" / "grader-results.json").write_text(
        json.dumps(ci.CiReport((_result("ann", {"test_public": 5.0}),), "d1").to_dict()))
    (collected / "ben.json").write_text(
        json.dumps(ci.CiReport((_result("ben", {"test_public": 5.0}),), "d1").to_dict()))
    results = tmp_path / "results.jsonl"
    results.write_text("".join(json.dumps(_result(s, {"test_public": v}).to_dict()) + "\n"
                               for s, v in (("ann", 5.0), ("ben", 0.0))))
    done = runner.invoke(cli, ["compare-ci", str(collected), str(results), "--out", str(tmp_path / "cmp.md")])
    assert done.exit_code == 1
    assert "1 of 2 students differ: ben." in done.output
    assert "| ⚠️ | ben | `toy` | 5 | 0 | differs |" in (tmp_path / "cmp.md").read_text()
    results.write_text(json.dumps(_result("ben", {"test_public": 5.0}).to_dict()) + "\n"
                       + json.dumps(_result("ann", {"test_public": 5.0}).to_dict()) + "\n")
    assert runner.invoke(cli, ["compare-ci", str(collected), str(results)]).exit_code == 0


# ---- grader ci ------------------------------------------------------------------------------------------


def test_a_wrong_digest_fails_before_grading(tmp_path: Path, runner: CliRunner) -> None:
    shutil.copy(SOLUTION, tmp_path / "toy.py")
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "ci", str(tmp_path), "--expect-digest", "0" * 64])
    assert done.exit_code == 1 and "are not the expected ones" in done.output
    assert not (Path.cwd() / "grader-junit.xml").exists()


def test_no_solution_file_is_an_error_that_says_what_to_do(tmp_path: Path, runner: CliRunner,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "ci", str(tmp_path),
                               "--gradescope", str(tmp_path / "results.json")])
    assert done.exit_code == 1 and "No solution file found" in done.output and "# exercise: ID" in done.output
    assert json.loads((tmp_path / "results.json").read_text())["score"] == 0
    assert (tmp_path / "grader-summary.md").read_text().startswith("## grader: nothing graded")


def test_help_has_examples(runner: CliRunner) -> None:
    for command in ("ci", "check", "compare-ci"):
        done = runner.invoke(cli, [command, "--help"])
        assert done.exit_code == 0 and "Example: grader" in done.output


@pytest.mark.slow
def test_ci_writes_junit_summary_results_and_fails_under_the_threshold(tmp_path: Path, runner: CliRunner,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(MUTANT, repo / "toy.py")
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTOR", "ann")
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "ci", str(repo), "--fail-under", "50"])
    assert done.exit_code == 1, done.output
    assert "score 20.0% is under --fail-under 50%" in done.output
    xmlschema.validate(str(tmp_path / "grader-junit.xml"), str(JUNIT_SCHEMA))
    text = summary.read_text()
    assert text.startswith("earlier step\n## grader: 2/10 points (20%)")
    assert "feedback, not your grade" in text and ci.suites_digest(Course(TOY_COURSE)) in text
    report = ci.CiReport.from_dict(json.loads((tmp_path / "grader-results.json").read_text()))
    assert (report.student, report.suites_digest, report.results[0].score) == (
        "ann", ci.suites_digest(Course(TOY_COURSE)), 2)
    passing = runner.invoke(cli, ["--course", str(TOY_COURSE), "ci", str(repo), "--fail-under", "20"])
    assert passing.exit_code == 0 and "toy: score 2/10" in passing.output


# ---- the templates as shipped, in a scratch git repository ---------------------------------------------------


def _scratch_repo(tmp_path: Path, solution: Path, name: str) -> Path:
    repo = tmp_path / "student-repo"
    repo.mkdir()
    shutil.copy(solution, repo / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.org"}
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "solution"]):
        subprocess.run(command, cwd=repo, check=True, env=env, timeout=60)
    return repo


def _bundle(tmp_path: Path) -> tuple[Path, str]:
    """The toy course's student bundle, as `grader export` writes it, and its digest."""
    bundle = tmp_path / "bundle"
    done = subprocess.run([str(GRADER), "--course", str(TOY_COURSE), "export", str(bundle)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    digest = done.stdout.strip().splitlines()[-1].split()[-1]
    return bundle, digest


def _run(command: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = f"{GRADER.parent}:{os.environ['PATH']}"
    return subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=repo, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env, "PATH": path})


@pytest.mark.slow
def test_github_template_grades_a_scratch_repository(tmp_path: Path) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "github" / "grader.yml").read_text())
    step = next(s for s in workflow["jobs"]["grade"]["steps"] if s.get("id") == "grade")
    bundle, digest = _bundle(tmp_path)
    repo = _scratch_repo(tmp_path, MUTANT, "toy.py")
    summary = tmp_path / "summary.md"
    env = {**workflow["env"], "GRADER_EXPECT_DIGEST": digest, "GRADER_COURSE": str(bundle),
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTOR": "ann", "GITHUB_REPOSITORY": "class/ann-hw1",
           "GITHUB_SHA": "c0ffee"}
    done = _run(step["run"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "public checks: 0/2; the other 8 points come from hidden checks" in done.stdout
    xmlschema.validate(str(repo / "grader-junit.xml"), str(JUNIT_SCHEMA))
    report = json.loads((repo / "grader-results.json").read_text())
    assert (report["suites_digest"], report["repository"], report["commit"]) == (digest, "class/ann-hw1", "c0ffee")
    assert "## grader: 0/2 points (0%)" in summary.read_text()
    uploaded = next(s for s in workflow["jobs"]["grade"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert set(uploaded["with"]["path"].split()) <= {p.name for p in repo.iterdir()}
    # the same command fails on a bundle that is not the instructor's, and under the threshold
    assert _run(step["run"], repo, {**env, "GRADER_EXPECT_DIGEST": "0" * 64}).returncode == 1
    assert _run(step["run"], repo, {**env, "GRADER_FAIL_UNDER": "50"}).returncode == 1


@pytest.mark.slow
def test_gitlab_template_grades_a_scratch_repository(tmp_path: Path) -> None:
    pipeline = yaml.safe_load((ROOT / "examples" / "ci" / "gitlab" / ".gitlab-ci.yml").read_text())
    job = pipeline["grade"]
    bundle, digest = _bundle(tmp_path)
    repo = _scratch_repo(tmp_path, SOLUTION, "my_answer.py")
    (repo / "my_answer.py").write_text("# exercise: toy\n" + SOLUTION.read_text())
    env = {**job["variables"], "GRADER_EXPECT_DIGEST": digest, "GRADER_COURSE": str(bundle)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = _run("\n".join(job["script"]), repo, {**env, "GITHUB_STEP_SUMMARY": ""})
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(job["artifacts"]["paths"]) <= {p.name for p in repo.iterdir()}
    assert job["artifacts"]["reports"]["junit"] == "grader-junit.xml"
    xmlschema.validate(str(repo / "grader-junit.xml"), str(JUNIT_SCHEMA))
    assert "## grader: 2/2 points (100%)" in (repo / "grader-summary.md").read_text()


@pytest.mark.slow
def test_the_instructors_regrade_of_collected_repositories_confirms_or_flags_ci(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for student, solution in (("ann", MUTANT), ("ben", MUTANT)):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(solution, tmp_path / "class" / student / "toy.py")
        done = runner.invoke(cli, ["--course", str(TOY_COURSE), "ci", str(tmp_path / "class" / student),
                                   "--json", str(tmp_path / "collected" / f"{student}.json")])
        assert done.exit_code == 0, done.output
    forged = json.loads((tmp_path / "collected" / "ben.json").read_text())  # ben edits his CI's report
    for check in forged["results"][0]["checks"]:
        check.update(score=check["max_score"], outcome="passed")
    (tmp_path / "collected" / "ben.json").write_text(json.dumps(forged))
    graded = runner.invoke(cli, ["--course", str(TOY_COURSE), "grade", str(tmp_path / "class"), "--out",
                                 str(tmp_path / "out")])
    assert graded.exit_code == 0, graded.output
    compared = runner.invoke(cli, ["compare-ci", str(tmp_path / "collected"), str(tmp_path / "out" / "results.jsonl")])
    assert compared.exit_code == 1
    assert "1 of 2 students differ: ben." in compared.output
