"""Authors' tools: scaffold, probe, verify, export the student bundle and Gradescope's autograder, the table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import torch
from click.testing import CliRunner

from grader import authoring, judge, probing
from grader.authoring import export
from grader.authoring.new import TEMPLATES, scaffold
from grader.authoring.table import markdown_table, readme_table
from grader.cli import cli
from grader.errors import ExerciseError, UsageError
from grader.exercise import Course, find_course
from grader.sandbox import Pool

from .conftest import TOY_COURSE

ROOT = Path(__file__).parent.parent
MUTANT = TOY_COURSE / "exercises" / "toy" / "mutants" / "off-by-one.py"
GRADESCOPE_SCHEMA = json.loads((Path(__file__).parent / "render" / "gradescope_results.schema.json").read_text())
HIDDEN_PARTS = ("checks", "solutions", "mutants")


# ---- grader new -----------------------------------------------------------------------------------------


def test_new_writes_a_complete_exercise_and_its_solution(tmp_path: Path) -> None:
    made = scaffold(tmp_path, "my_softmax", "python", title="Softmax, stable")
    names = sorted(str(p.relative_to(tmp_path)) for p in made.files)
    assert names == ["exercises/my_softmax/README.md", "exercises/my_softmax/checks/test_softmax.py",
                     "exercises/my_softmax/exercise.toml", "exercises/my_softmax/mutants/no-max-shift.py",
                     "exercises/my_softmax/probes.py", "exercises/my_softmax/public/test_public.py",
                     "exercises/my_softmax/stub.py", "solutions/my_softmax.py"]
    exercise = Course(tmp_path).get("my_softmax")
    assert (exercise.title, exercise.from_scratch, exercise.solution) == ("Softmax, stable", True, made.solution)
    assert "`my_softmax.py`" in exercise.statement.read_text()
    assert export.public_problems(exercise) == []


def test_new_refuses_what_it_would_overwrite_or_cannot_name(tmp_path: Path) -> None:
    scaffold(tmp_path, "taken", "torch")
    for exercise_id, framework, error in (("taken", "torch", "already exists"), ("Bad-Id", "python", "lowercase"),
                                          ("ok_id", "jax", "choose one of")):
        with pytest.raises(UsageError, match=error):
            scaffold(tmp_path, exercise_id, framework)


def test_new_command_creates_the_course_folder(tmp_path: Path, runner: CliRunner) -> None:
    course = tmp_path / "my-course"
    done = runner.invoke(cli, ["--course", str(course), "new", "attention", "--framework", "tensorflow"])
    assert done.exit_code == 0, done.output
    assert "verify attention" in done.output
    assert Course(course).get("attention").framework == "tensorflow"


def test_every_template_is_a_sound_exercise_on_paper(tmp_path: Path) -> None:
    for framework in ("python", "torch", "tensorflow"):
        exercise = Course(tmp_path).get(scaffold(tmp_path, f"ex_{framework}", framework).exercise.name)
        specs = judge.collect(exercise)
        assert sum(s.points for s in specs) == exercise.points
        assert {b.id for b in exercise.bugs} == set(exercise.mutants) == {b for s in specs for b in s.bugs}
        assert any(s.public for s in specs)
    assert sorted(p.name for p in TEMPLATES.iterdir()) == ["python", "tensorflow", "torch"]


def test_a_visibility_mark_reaches_the_result_model(tmp_path: Path) -> None:
    exercise = Course(tmp_path).get(scaffold(tmp_path, "marked", "python").exercise.name)
    assert {s.id: s.visibility for s in judge.collect(exercise)}["test_empty_raises"] == "hidden"
    checks = exercise.root / "checks" / "test_softmax.py"
    checks.write_text(checks.read_text().replace('visibility("hidden")', 'visibility("secret")'))
    with pytest.raises(ExerciseError, match="visibility takes one of"):
        judge.collect(exercise)


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["python", "torch", "tensorflow"])
def test_a_scaffolded_exercise_passes_verify(tmp_path: Path, pool: Pool, framework: str) -> None:
    exercise = Course(tmp_path).get(scaffold(tmp_path, f"new_{framework}", framework).exercise.name)
    report = authoring.verify(exercise, pool)
    assert report.ok, [f for f in report.findings if not f.ok]
    claims = {(f.subject, f.claim) for f in report.findings}
    assert ("original.py", 'not needed: no seed snippet (source = "none")') in claims
    assert ("public/", "can be shipped to students (grader export)") in claims


# ---- probes: plain data from whatever the code returned ----------------------------------------------------


def test_plain_data_helpers() -> None:
    import collections

    assert probing.text("a") == "a" and probing.wrong_type(probing.text(["a"])) == "list"
    assert probing.number(np.float32(2.5)) == 2.5 and probing.number(torch.tensor([1.5], requires_grad=True)) == 1.5
    assert probing.wrong_type(probing.number(True)) == "bool"
    assert probing.wrong_type(probing.number(torch.zeros(2))) == "torch.Tensor"
    assert probing.array([1, 2]).tolist() == [1, 2] and probing.wrong_type(probing.array([[1], [2, 3]])) == "list"
    assert probing.array(torch.ones(2, dtype=torch.bfloat16)).dtype == np.float32
    counts = collections.defaultdict(collections.Counter)
    counts["a"]["b"] += 2
    counts[1]["x"] = 1
    assert probing.plain(counts) == {"a": {"b": 2}, "1": {"x": 1}}
    assert probing.plain((np.int64(3), np.bool_(True), {3, 1}, range(2))) == [3, True, [1, 3], [0, 1]]
    assert probing.plain([torch.nn.Linear(1, 1), (i for i in ())]) == [
        {"not_a": "plain value", "type": "torch.nn.Linear"}, {"not_a": "plain value", "type": "generator"}]
    assert probing.wrong_type({"not_a": "str"}) is None  # only a whole marker is one


# ---- grader export: the student bundle ---------------------------------------------------------------------


def test_probes_are_cut_to_what_public_checks_use() -> None:
    source = '''"""Module doc: the hidden corpus is SECRET."""
import random
from grader.probing import probe
try:
    import numpy as np
except ImportError:
    np = None
# the hidden corpus
HIDDEN = ["secret", "words"]
SHOWN = ["a", "b"]
def _helper(x):
    return [w.upper() for w in x]
def _only_hidden():
    return HIDDEN
@probe("public_one", cases=[{"n": 1}])
def public_one(student, n):
    SHOWN2 = 1
    return student.f(_helper(SHOWN), n + SHOWN2)
@probe("hidden_one")
def hidden_one(student):
    return student.f(_only_hidden())
random.seed(0)
'''
    text, probes, names = export.slice_probes(source, {"public_one"})
    assert probes == ("public_one",)
    assert names == ("SHOWN", "_helper", "public_one")
    assert "secret" not in text.lower() and "hidden" not in text.lower()
    assert "import numpy as np" in text and "random.seed(0)" in text
    compile(text, "probes.py", "exec")


def test_public_checks_that_cannot_be_shipped_are_named(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(TOY_COURSE, course)
    public = course / "exercises" / "toy" / "public" / "test_public.py"
    public.write_text(public.read_text() + '''

@pytest.mark.points(1)
def test_more(observe, expected):
    """More."""
    name = "add"
    assert observe(name, x=1) == expected("add", x=1), "no"
''')
    problems = export.public_problems(Course(course).get("toy"))
    assert len(problems) == 2
    assert "cannot use expected(...)" in problems[0] and "literal string" in problems[1]


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_toy_bundle_holds_statements_stubs_public_checks_and_nothing_hidden(tmp_path: Path) -> None:
    shipped = export.export_bundle(Course(TOY_COURSE), tmp_path / "bundle")
    bundle = tmp_path / "bundle"
    course_files = {f for f in _files(bundle) if f.startswith("exercises/")}
    assert course_files == {"exercises/toy/README.md", "exercises/toy/stub.py", "exercises/toy/probes.py",
                            "exercises/toy/exercise.toml", "exercises/toy/public/test_public.py"}
    assert {"pyproject.toml", "README.md", "grader/__init__.py", "grader/cli/ci.py"} <= _files(bundle)
    assert not any("_course" in f for f in _files(bundle))
    probes = (bundle / "exercises" / "toy" / "probes.py").read_text()
    assert "printing" in probes and "scaled" not in probes and "add_one(x)" not in probes
    assert [s.probes for s in shipped] == [("printing",)]
    toy = Course(bundle).get("toy")
    assert toy.bugs == () and toy.points == 10 and toy.limits == Course(TOY_COURSE).get("toy").limits


def test_the_real_courses_bundle_holds_nothing_hidden(tmp_path: Path) -> None:
    course = find_course()
    shipped = {s.exercise: s for s in export.export_bundle(course, tmp_path / "bundle")}
    bundle = Course(tmp_path / "bundle")
    assert bundle.ids() == course.ids()
    for exercise in course.all():
        files = {f.split("/", 2)[2] for f in _files(bundle.root) if f.startswith(f"exercises/{exercise.id}/")}
        assert not any(f.startswith(HIDDEN_PARTS) or f.startswith("original") for f in files), files
        assert files == {"README.md", "stub.py", "probes.py", "exercise.toml"} | {
            str(p.relative_to(exercise.root)) for p in (exercise.root / "public").rglob("*.py")}
        public = bundle.get(exercise.id)
        guarded = {b for s in judge.collect(exercise) if s.public for b in s.bugs}
        assert {b.id for b in public.bugs} == guarded
        assert set(shipped[exercise.id].probes) == export.public_use(exercise).probes
        assert [s.id for s in judge.collect(public)] == [s.id for s in judge.collect(exercise) if s.public]
    assert not (bundle.root / "solutions").exists()


@pytest.mark.slow
def test_the_bundle_installs_as_a_grader_with_only_the_public_course(tmp_path: Path) -> None:
    export.export_bundle(Course(TOY_COURSE), tmp_path / "bundle")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(tmp_path / "bundle")], check=True, capture_output=True, timeout=300)
    wheel = zipfile.ZipFile(next((tmp_path / "dist").glob("grader-*.whl")))
    names = wheel.namelist()
    course = [n for n in names if n.startswith("grader/_course/")]
    assert sorted(course) == sorted(f"grader/_course/exercises/toy/{f}" for f in (
        "README.md", "stub.py", "probes.py", "exercise.toml", "public/test_public.py"))
    assert "grader/cli/ci.py" in names and "grader/authoring/templates/torch/solution.py" in names


@pytest.mark.slow
def test_check_runs_only_the_public_checks(runner: CliRunner) -> None:
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "check", "toy", str(MUTANT)], terminal_width=100)
    assert done.exit_code == 0, done.output
    assert "add_one(0) should be 1, not 2." in done.output and "add_one(1) is 2" not in done.output
    assert "public checks: 0/2; the other 8 points come from hidden checks that your instructor runs" in done.output


@pytest.mark.slow
def test_probe_prints_what_the_probes_observe(runner: CliRunner) -> None:
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "probe", "toy", str(MUTANT), "--case", "add"])
    assert done.exit_code == 0, done.output
    assert 'add{"x":1}' in done.output and 'add{"x":41}' in done.output and "scaled" not in done.output
    lines = done.output.splitlines()
    assert lines[lines.index(next(line for line in lines if line.startswith('add{"x":1}'))) + 1] == "  3"


# ---- grader export --gradescope ------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_gradescope_autograder_runs_like_gradescope_runs_it(tmp_path: Path, runner: CliRunner) -> None:
    done = runner.invoke(cli, ["--course", str(TOY_COURSE), "export", "--gradescope", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    archive = zipfile.ZipFile(tmp_path / "out" / "autograder.zip")
    names = archive.namelist()
    for script in ("setup.sh", "run_autograder"):
        assert script in names and archive.getinfo(script).external_attr >> 16 & 0o111
    assert "grader-src/solutions/toy.py" in names and "grader-src/exercises/toy/checks/test_hidden.py" in names
    root = tmp_path / "autograder"  # Gradescope's layout: source/, submission/, results/
    archive.extractall(root / "source")
    (root / "submission").mkdir()
    shutil.copy(MUTANT, root / "submission" / "toy.py")
    os.chmod(root / "source" / "run_autograder", 0o755)
    finished = subprocess.run([str(root / "source" / "run_autograder")], capture_output=True, text=True,
                              timeout=600, env={**os.environ, "AUTOGRADER_ROOT": str(root),
                                                "GRADER": str(Path(sys.executable).parent / "grader")})
    assert finished.returncode == 0, finished.stdout + finished.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 2 and len(results["tests"]) == 4


# ---- the README's exercise table ----------------------------------------------------------------------------


def test_table_has_one_row_per_exercise_between_markers() -> None:
    text = markdown_table(Course(TOY_COURSE))
    row = "| `toy` | Toy exercise for the engine's own tests | none | Python | 10 | 4 (1) | 1 | not measured |"
    assert text.splitlines()[3] == row
    assert readme_table(f"intro\n{text}outro\n") == text and readme_table("no table") is None


def test_the_readme_table_is_the_generated_one(runner: CliRunner) -> None:
    done = runner.invoke(cli, ["table", "--check", str(ROOT / "README.md")])
    assert done.exit_code == 0, (f"{done.output}\nRegenerate it: .venv/bin/grader table, and paste the output "
                                 "into README.md in place of the old table.")
