"""Hostile input, generated: the notebook and archive readers and the class-folder scan never crash.

Whatever bytes a student hands in, reading them ends in a Submission or in one
line of SubmissionError (which becomes that pair's 0 and one line in the
report), never in another exception that would stop the class; a class folder
with any file names is scanned without a crash and accounts for every file.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader import submission
from grader.discovery import discover
from grader.errors import SubmissionError
from grader.exercise import Course

from .conftest import TOY_COURSE

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
# Text with what breaks naive readers: NUL, lone surrogates, control characters, shell and magic lines.
nasty_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60) | st.sampled_from(
    ["\x00", "\ud800", "!rm -rf /", "%%bash\nls", "%%time\nx = 1", "from __future__ import annotations", "x = 1\n",
     "\x1b[2J", "def f(:\n"])
sources = nasty_text | st.lists(nasty_text, max_size=4) | json_values
cells = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["code", "markdown", "raw", 3, None])},
    optional={"source": sources, "metadata": st.dictionaries(st.sampled_from(["tags", "x"]), json_values | st.lists(
        st.sampled_from(["skip-grading", "other", 1]), max_size=2), max_size=2) | json_values,
              "outputs": json_values, "execution_count": json_values, "id": json_values, "unknown": json_values},
)
notebooks = st.fixed_dictionaries(
    {"cells": st.lists(cells | json_values, max_size=5)},
    optional={"nbformat": st.sampled_from([3, 4, 5, 0, -1, "4", None, 10**20]),
              "nbformat_minor": st.sampled_from([0, 4, 5, 99, "x"]),
              "metadata": json_values | st.fixed_dictionaries({"kernelspec": json_values}),
              "worksheets": json_values, "extra_field": json_values},
)


def _read_notebook(data: bytes) -> None:
    try:
        source, notes = submission.notebook_to_source(data, "nb.ipynb")
    except SubmissionError as e:
        assert "\n" not in str(e) and str(e).startswith("nb.ipynb: ")
        return
    assert isinstance(source, str) and all(isinstance(n, str) for n in notes)
    source.encode("utf-8")  # what the worker receives is valid UTF-8 and has no NUL
    assert "\x00" not in source


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_a_notebook(data: bytes) -> None:
    _read_notebook(data)


@FUZZ
@given(notebooks)
def test_any_notebook_shaped_json(notebook: dict) -> None:
    _read_notebook(json.dumps(notebook, ensure_ascii=False).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=400), st.binary(min_size=1, max_size=8))
def test_any_bytes_and_corrupted_zips_as_an_archive(data: bytes, at: int, junk: bytes) -> None:
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("toy.py", "def add_one(x):\n    return x + 1\n" * 5)
        zf.writestr("helpers/util.py", "k = 1\n")
    corrupted = bytearray(good.getvalue())
    at %= len(corrupted)
    corrupted[at:at + len(junk)] = junk
    for blob in (data, bytes(corrupted)):
        _read_zip(blob)


member_names = st.sampled_from([
    "toy.py", "../toy.py", "/etc/passwd", "a/../../toy.py", "C:/x/toy.py", "..\\..\\toy.py", "dir/", ".", "",
    "name with spaces.py", "quo\"te's.py", "ñandú/éxercise.py", "toy.ipynb", "__MACOSX/._toy.py", ".hidden.py",
]) | st.text(max_size=20)
members = st.lists(st.tuples(member_names, st.binary(max_size=60), st.booleans(), st.booleans()), max_size=5)


@FUZZ
@pytest.mark.filterwarnings("ignore:Duplicate name")
@given(members)
def test_any_archive_layout(entries: list[tuple[str, bytes, bool, bool]]) -> None:
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w") as zf:
        for name, data, is_link, deflate in entries:
            info = zipfile.ZipInfo(name or "x")
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            if is_link:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    loaded = _read_zip(blob.getvalue())
    if loaded is not None:
        for name, _ in loaded.files:  # whatever is handed to the worker stays inside its folder
            parts = PurePosixPath(name).parts
            assert not name.startswith("/") and ".." not in parts


def test_a_zip_bomb_is_one_line() -> None:
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("toy.py", b"#" * (submission.MAX_ZIP_MEMBER_BYTES + 10))
    with pytest.raises(SubmissionError, match="unpacks to more than"):
        _read_zip(blob.getvalue(), raise_errors=True)


def _read_zip(data: bytes, raise_errors: bool = False) -> submission.Submission | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.zip"
        path.write_bytes(data)
        try:
            return submission.load(path, "toy")
        except SubmissionError as e:
            if raise_errors:
                raise
            assert "\n" not in str(e)
            return None


file_names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
                     min_size=1, max_size=24).filter(lambda n: n not in (".", "..") and len(n.encode()) < 200)


@FUZZ
@given(st.lists(st.tuples(file_names, st.sampled_from([".py", ".ipynb", ".zip", ".txt", ""]),
                          st.sampled_from(["top", "folder", "dir-as-file"])), max_size=6, unique_by=lambda t: t[0]))
def test_any_file_names_in_a_class_folder_are_accounted_for(items: list[tuple[str, str, str]]) -> None:
    course = Course(TOY_COURSE)
    root = Path(tempfile.mkdtemp())
    try:
        expected: list[Path] = []
        for name, suffix, where in items:
            if where == "top":
                path = root / (name + suffix)
                path.write_bytes(b"x = 1\n")
            elif where == "folder":
                (root / name).mkdir(exist_ok=True)
                path = root / name / ("toy" + suffix)
                path.write_bytes(b"x = 1\n")
            else:
                path = root / (name + suffix)
                path.mkdir()
            expected.append(path)
        found = discover(root, course)
        for exclusive in (None, "toy"):
            found = discover(root, course, exclusive)
            seen = {e.path for e in found.entries} | {root / s.path for s in found.skipped}
            seen |= {root / d for c in found.conflicts for d in c.dropped}
            for path in expected:
                assert path in seen or path.parent in seen, (path, found)
    finally:
        shutil.rmtree(root)


def test_a_pipe_and_a_directory_where_a_file_was_expected(tmp_path: Path) -> None:
    fifo = tmp_path / "toy.py"
    os.mkfifo(fifo)
    with pytest.raises(SubmissionError, match="not a regular file"):
        submission.load(fifo)  # would block forever if it were opened for reading
    folder = tmp_path / "toy.ipynb"
    folder.mkdir()
    with pytest.raises(SubmissionError, match="is a directory"):
        submission.load(folder)
