"""Exercise folders: strict manifests, clear errors, and how the course is found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.errors import ExerciseError, UsageError
from grader.exercise import Course, find_course, load

from .conftest import TOY_COURSE


def _with_manifest(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "exercises" / "broken"
    root.mkdir(parents=True)
    (root / "exercise.toml").write_text(text)
    return root


GOOD = 'title = "T"\nsource = "s"\nframework = "python"\npoints = 10\n'


@pytest.mark.parametrize(("text", "expected"), [
    ("title = ", "not valid TOML"),
    ('title = "T"\nsource = "s"\nframework = "python"\n', "missing field 'points'"),
    (GOOD.replace('framework = "python"', 'framework = "jax"'), "field 'framework' must be one of"),
    (GOOD.replace("points = 10", 'points = "ten"'), "field 'points' must be a"),
    (GOOD + "titel = 'x'\n", "unknown field 'titel' (did you mean 'title'?)"),
    (GOOD + "[limits]\nwall_second = 3\n", "unknown field 'limits.wall_second' (did you mean 'limits.wall_seconds'?)"),
    (GOOD + "[limits]\nwall_seconds = -1\n", "'limits.wall_seconds' must be a positive number"),
    (GOOD + '[[bugs]]\nid = "Bad Id"\ntitle = "t"\nexplanation = "e"\n', "'bugs[0].id' must use lowercase"),
    (GOOD + '[[bugs]]\nid = "a"\ntitle = "t"\n', "missing field 'bugs[0].explanation'"),
])
def test_malformed_manifest_names_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    root = _with_manifest(tmp_path, text)
    with pytest.raises(ExerciseError) as info:
        load(root)
    assert str(root / "exercise.toml") in str(info.value)
    assert expected in str(info.value)


def test_toy_loads_with_its_files(toy_course: Course) -> None:
    toy = toy_course.get("toy")
    assert toy.points == 10 and toy.limits.probe_seconds == 3
    assert [b.id for b in toy.bugs] == ["off-by-one"]
    assert toy.solution == TOY_COURSE / "solutions" / "toy.py"
    assert set(toy.mutants) == {"off-by-one"} and toy.originals


def test_unknown_exercise_suggests_the_nearest_id(toy_course: Course) -> None:
    with pytest.raises(UsageError, match="Did you mean 'toy'"):
        toy_course.get("tyo")


def test_course_from_option_then_environment_then_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_course(TOY_COURSE).root == TOY_COURSE.resolve()
    monkeypatch.setenv("GRADER_COURSE", str(TOY_COURSE))
    assert find_course().root == TOY_COURSE.resolve()
    monkeypatch.delenv("GRADER_COURSE")
    assert "bigram_text_generator" in find_course().ids() or (find_course().root / "exercises").is_dir()
    with pytest.raises(UsageError, match="not a course folder"):
        find_course(tmp_path)


def test_digest_changes_when_a_check_changes(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(TOY_COURSE, course)
    toy = Course(course).get("toy")
    before = toy.digest()
    (toy.root / "checks" / "test_hidden.py").write_text("# changed\n", encoding="utf-8")
    assert toy.digest() != before
