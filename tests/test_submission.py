"""Reading submissions: .py, notebooks (magics dropped, tagged cells skipped), safe zips."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.errors import SubmissionError
from grader.submission import MAX_ZIP_MEMBER_BYTES, load


def _notebook(tmp_path: Path, cells: list[tuple[str, list[str]]], name: str = "nb.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nb.cells.append(nbformat.v4.new_markdown_cell("# not code"))
    path = tmp_path / name
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def test_python_file_is_read_as_is(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text("x = 'é'\n", encoding="utf-8")
    sub = load(path)
    assert sub.kind == "py" and sub.source == "x = 'é'\n" and len(sub.digest) == 64


def test_pep263_declared_encoding_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    assert "é" in load(path).source


@pytest.mark.parametrize(("content", "message"), [
    (b"x = '\xff\xfe'\n", "is not UTF-8"),
    (b"\x7fELF\x00\x00binary", "NUL bytes"),
])
def test_unreadable_python_gives_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "s.py"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message) as info:
        load(path)
    assert "\n" not in str(info.value)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("x")
    with pytest.raises(SubmissionError, match="unsupported file type"):
        load(path)


def test_notebook_code_cells_in_order_without_magics(tmp_path: Path) -> None:
    path = _notebook(tmp_path, [
        ("!pip install torch\nimport math\n%matplotlib inline", []),
        ("def f():\n    !rm -rf /\n    return math.pi", []),
        ("%%bash\nrm -rf /", []),
        ("%%time\ny = f()", []),
        ("raise SystemExit('scratch work')", ["skip-grading"]),
        ("files = !ls\nf?", []),
    ])
    sub = load(path)
    assert sub.kind == "ipynb"
    namespace: dict = {}
    exec(compile(sub.source, "nb", "exec"), namespace)  # only safe because every shell line is gone
    assert namespace["y"] == pytest.approx(3.14159, rel=1e-4)
    assert "rm -rf" not in sub.source.replace("# dropped by the grader: !rm -rf /", "")
    assert any("skip-grading" in n for n in sub.notes)
    assert any("%%bash" in n for n in sub.notes)


@pytest.mark.parametrize("content", [b"{not json", b'{"cells": "nope"}', b"\xff\xfe", b""])
def test_broken_notebook_gives_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match="broken.ipynb: ") as info:
        load(path)
    assert "\n" not in str(info.value)


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "s.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def test_zip_entry_and_helper_modules(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"proj/toy.py": b"from helpers import k\n", "proj/helpers.py": b"k = 1\n",
                           "proj/notes.txt": b"hi", "__MACOSX/proj/._toy.py": b"junk"})
    sub = load(path, exercise_id="toy")
    assert sub.source == "from helpers import k\n"
    assert dict(sub.files) == {"helpers.py": b"k = 1\n", "notes.txt": b"hi"}


def test_zip_with_several_candidates_asks_for_a_name(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"a.py": b"", "b.py": b""})
    with pytest.raises(SubmissionError, match="several code files"):
        load(path, exercise_id="toy")


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_zip_paths_outside_are_refused(tmp_path: Path, member: str) -> None:
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), b"x = 1")
        zf.writestr("main.py", b"x = 1")
    with pytest.raises(SubmissionError, match="outside the submission folder"):
        load(path)


def test_zip_symlinks_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("link.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(SubmissionError, match="symbolic link"):
        load(path)


def test_zip_bomb_stops_at_the_member_cap(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("main.py", b"0" * (MAX_ZIP_MEMBER_BYTES + 10))
    path = tmp_path / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000  # small on disk, huge unpacked
    with pytest.raises(SubmissionError, match="unpacks to more than"):
        load(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        load(path)


def test_future_imports_in_later_cells_work_as_in_jupyter(tmp_path: Path) -> None:
    path = _notebook(tmp_path, [("x = 1", []), ("from __future__ import annotations\ndef f(a: Undefined): ...", [])])
    namespace: dict = {}
    exec(compile(load(path).source, "nb", "exec"), namespace)
    assert namespace["x"] == 1


def _raw_notebook(tmp_path: Path, data: dict, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_nbformat_3_is_read(tmp_path: Path) -> None:
    path = _raw_notebook(tmp_path, {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [
        {"cells": [{"cell_type": "code", "input": "x = 1\n", "language": "python", "outputs": []}]}]})
    assert "x = 1" in load(path).source


def test_an_unknown_nbformat_version_with_unknown_fields_is_read_leniently_with_a_note(tmp_path: Path) -> None:
    path = _raw_notebook(tmp_path, {"nbformat": 5, "nbformat_minor": 0, "metadata": {"kernelspec": "python"},
                                    "cells": [{"cell_type": "code", "source": ["x = ", "2\n"], "new_field": [1],
                                               "metadata": {"tags": "skip-grading"}},
                                              {"cell_type": "code", "source": "y = 3", "metadata": []}]})
    sub = load(path)
    assert "y = 3" in sub.source and "x = 2" not in sub.source  # a lone tag string still skips the cell
    assert any("nbformat version 5" in n for n in sub.notes)


@pytest.mark.parametrize(("cell_source", "message"), [
    ("x = 1\u0000", "NUL bytes"),
    ("x = '\ud800'", "lone surrogates"),
    (7, "source that is not text"),
])
def test_cells_with_binary_junk_give_one_line(tmp_path: Path, cell_source: object, message: str) -> None:
    path = _raw_notebook(tmp_path, {"nbformat": 4, "nbformat_minor": 4, "metadata": {},
                                    "cells": [{"cell_type": "code", "source": cell_source, "metadata": {},
                                               "outputs": [], "execution_count": None}]})
    with pytest.raises(SubmissionError, match=message):
        load(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    with path.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: nothing written
    with pytest.raises(SubmissionError, match="larger than 2 MB"):
        load(path)
