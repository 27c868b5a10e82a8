"""Class folders as TAs have them: every layout found, every file not graded reported with its reason."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.discovery import discover, normalise
from grader.exercise import Course

from .conftest import TOY_COURSE

CODE = "def add_one(x):\n    return x + 1\n"


@pytest.fixture
def course() -> Course:
    return Course(TOY_COURSE)


def _write(path: Path, text: str = CODE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _found(folder: Path, course: Course, exercise: str | None = None) -> dict[str, tuple[str, str]]:
    return {e.student: (e.exercise_id, e.layout) for e in discover(folder, course, exercise).entries}


def test_one_folder_per_student_with_nested_folders_and_names_as_students_write_them(tmp_path, course) -> None:
    _write(tmp_path / "ana" / "toy.py")
    _write(tmp_path / "ben" / "hw1" / "Toy-1.ipynb", "{}")  # an unzipped folder, a browser's copy suffix
    _write(tmp_path / "José Núñez" / "my_toy.py")  # the folder says who: "my_toy" answers toy
    assert _found(tmp_path, course) == {"ana": ("toy", "per-student"), "ben": ("toy", "per-student"),
                                        "José Núñez": ("toy", "per-student")}


def test_flat_files_named_student_underscore_exercise(tmp_path, course) -> None:
    _write(tmp_path / "ana_toy.py")
    _write(tmp_path / "mary ann_toy.ipynb", "{}")
    _write(tmp_path / "o'brien-toy.py")
    assert _found(tmp_path, course) == {"ana": ("toy", "flat"), "mary ann": ("toy", "flat"),
                                        "o'brien": ("toy", "flat")}


def test_one_zip_per_student_is_looked_into(tmp_path, course) -> None:
    with zipfile.ZipFile(tmp_path / "ana.zip", "w") as zf:
        zf.writestr("work/toy.py", CODE)
        zf.writestr("work/helpers.py", "k = 1\n")
    with zipfile.ZipFile(tmp_path / "ben.zip", "w") as zf:
        zf.writestr("notes.txt", "no code")
    (tmp_path / "cy.zip").write_bytes(b"PK\x03\x04 broken")
    found = discover(tmp_path, course)
    assert [(e.student, e.exercise_id, e.layout) for e in found.entries] == [("ana", "toy", "zip")]
    reasons = {s.path: s.reason for s in found.skipped}
    assert "no file named after an exercise" in reasons["ben.zip"]
    assert "not a readable zip file" in reasons["cy.zip"]


def test_a_canvas_download_keeps_user_ids_late_flags_and_attempt_order(tmp_path, course) -> None:
    _write(tmp_path / "doejane_1234_5678_toy.py")
    _write(tmp_path / "smithjohn_late_4321_9001_toy.py")
    _write(tmp_path / "smithjohn_4321_8000_toy.py")  # an earlier attempt of the same student
    found = discover(tmp_path, course)
    by_student = {e.student: e for e in found.entries}
    assert by_student["doejane_1234"].lms_id == "1234" and not by_student["doejane_1234"].late
    assert by_student["smithjohn_4321"].late
    assert by_student["smithjohn_4321"].path.name.startswith("smithjohn_late_4321_9001")
    [conflict] = found.conflicts
    assert conflict.kept == "smithjohn_late_4321_9001_toy.py" and conflict.dropped == ("smithjohn_4321_8000_toy.py",)
    assert "LMS" in conflict.rule


def test_a_canvas_download_of_one_assignment_needs_exercise(tmp_path, course) -> None:
    _write(tmp_path / "doejane_1234_5678_homework1.py")
    found = discover(tmp_path, course)
    assert not found.entries and "--exercise" in found.skipped[0].reason
    assert _found(tmp_path, course, "toy") == {"doejane_1234": ("toy", "canvas")}


def test_two_canvas_students_of_the_same_name_stay_two(tmp_path, course) -> None:
    _write(tmp_path / "smithjohn_1001_5000_toy.py")
    _write(tmp_path / "smithjohn_1002_5001_toy.py")
    found = discover(tmp_path, course)
    assert sorted(e.student for e in found.entries) == ["smithjohn_1001", "smithjohn_1002"] and not found.conflicts


def test_a_gradescope_export(tmp_path, course) -> None:
    _write(tmp_path / "submission_111" / "toy.py")
    _write(tmp_path / "submission_222" / "answer.py")
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_111:\n  :submitters:\n  - :name: Ana Lima\n    :sid: '42'\n    :email: ana@uni.edu\n"
        "  :created_at: 2026-11-20 10:00:00.000000000 -07:00\n"
        "submission_222:\n  :submitters:\n  - :name: Ben Ode\n    :sid: '43'\n    :email: ben@uni.edu\n"
        "  :created_at: 2026-11-21 11:00:00.000000000 -07:00\n", encoding="utf-8")
    found = discover(tmp_path, course)
    ana = next(e for e in found.entries if e.student == "ana@uni.edu")
    assert (ana.exercise_id, ana.layout, ana.name, ana.lms_id) == ("toy", "gradescope", "Ana Lima", "42")
    assert ana.submitted_at.startswith("2026-11-20T10:00:00")
    assert any(s.path.startswith("submission_222") and "not named after an exercise" in s.reason
               for s in found.skipped)
    assert _found(tmp_path, course, "toy")["ben@uni.edu"] == ("toy", "gradescope")  # its only code file


def test_a_flat_folder_of_one_exercise(tmp_path, course) -> None:
    _write(tmp_path / "ana.py")
    _write(tmp_path / "ben.ipynb", "{}")
    _write(tmp_path / "cy" / "whatever.py")  # a student folder whose only code file answers the exercise
    assert _found(tmp_path, course, "toy") == {"ana": ("toy", "one-exercise"), "ben": ("toy", "one-exercise"),
                                               "cy": ("toy", "per-student")}


def test_nothing_is_dropped_silently(tmp_path, course) -> None:
    _write(tmp_path / "ana" / "toy.py")
    _write(tmp_path / "ana" / "notes.txt", "notes")
    _write(tmp_path / "ana" / "other.py")
    _write(tmp_path / "bob.py")
    (tmp_path / "empty").mkdir()
    (tmp_path / "README.md").write_text("docs")
    (tmp_path / ".DS_Store").write_text("junk")
    os.symlink("/etc/passwd", tmp_path / "ana" / "link_toy.py")
    os.mkfifo(tmp_path / "pipe_toy.py")
    found = discover(tmp_path, course)
    loud = {s.path: s.reason for s in found.skipped if not s.quiet}
    quiet = {s.path for s in found.skipped if s.quiet}
    assert set(loud) == {"ana/notes.txt", "ana/other.py", "bob.py", "empty", "ana/link_toy.py", "pipe_toy.py"}
    assert "links are never followed" in loud["ana/link_toy.py"]
    assert "not named after an exercise" in loud["ana/other.py"]
    assert "--exercise" in loud["bob.py"]
    assert quiet == {"README.md", ".DS_Store"}
    assert len(found.warnings()) == 6


def test_a_directory_where_a_file_was_expected_is_graded_as_a_zero_not_skipped(tmp_path, course) -> None:
    (tmp_path / "ana" / "toy.py").mkdir(parents=True)
    [entry] = discover(tmp_path, course).entries
    assert entry.path == tmp_path / "ana" / "toy.py"


def test_two_files_for_one_exercise_are_a_conflict_with_the_rule(tmp_path, course) -> None:
    old = _write(tmp_path / "ana" / "toy.py")
    new = _write(tmp_path / "ana" / "toy.ipynb", "{}")
    os.utime(old, (time.time() - 100, time.time() - 100))
    _write(tmp_path / "ana_toy.py")
    os.utime(tmp_path / "ana_toy.py", (time.time() - 200, time.time() - 200))
    found = discover(tmp_path, course)
    [entry] = found.entries
    [conflict] = found.conflicts
    assert entry.path == new and conflict.kept == "ana/toy.ipynb"
    assert set(conflict.dropped) == {"ana/toy.py", "ana_toy.py"} and conflict.rule == "the most recently modified file"
    assert "conflict: 3 files of ana answer toy; graded ana/toy.ipynb" in found.warnings()[0]


def test_exercise_restricts_and_says_so(tmp_path, course) -> None:
    _write(tmp_path / "ana" / "toy.py")
    found = discover(tmp_path, course, "toy")
    assert len(found.entries) == 1


@pytest.mark.parametrize(("name", "stem"), [("Toy.PY", "toy"), ("toy (2).ipynb", "toy"), ("toy copy.py", "toy"),
                                            ("torch-cifar-cnn.py", "torch_cifar_cnn"), ("toy-12.zip", "toy")])
def test_names_are_normalised_as_people_save_files(name: str, stem: str) -> None:
    assert normalise(name) == stem


def test_dry_run_says_who_what_and_why_without_grading(runner: CliRunner, tmp_path: Path) -> None:
    _write(tmp_path / "ana" / "toy.py")
    _write(tmp_path / "smithjohn_late_4321_9001_toy.py")
    _write(tmp_path / "ana" / "notes.txt", "x")
    (tmp_path / "README.md").write_text("docs")
    result = runner.invoke(cli, ["grade", str(tmp_path), "--dry-run", "--course", str(TOY_COURSE)])
    assert result.exit_code == 0, result.output
    assert "2 students, 2 files to grade (layouts: 1 canvas, 1 per-student)" in result.output
    assert "LMS id 4321, late" in result.output
    assert "ana/notes.txt: not a submission" in result.output
    assert "README.md: not a submission" in result.output and "[quietly skipped]" in result.output
    assert f"course: {TOY_COURSE}" in result.output  # --course after the subcommand, and said
    assert not (tmp_path.parent / ".grader").exists()
