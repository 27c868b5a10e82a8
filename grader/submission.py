"""Read a submitted file (``.py``, ``.ipynb`` or ``.zip``) into a :class:`Submission`.

Nothing here runs student code: notebooks are parsed, zips are read member by
member with hard caps, and the result is plain text plus any helper files.
Every way a file can be unreadable ends in a one-line :class:`SubmissionError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import os
import re
import stat
import struct
import tokenize
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from .errors import SubmissionError

SubmissionKind = Literal["py", "ipynb", "zip"]
SKIP_TAG = "skip-grading"
NOTEBOOK_CELL_MARK = "# ---- notebook cell "

MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_NOTEBOOK_ITEMS = 1_000_000
"""JSON containers and items a notebook may hold: ``[{},{},...]`` costs fifty times its size once parsed."""
MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ZIP_MEMBER_BYTES = 10 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 50 * 1024 * 1024

# Cell magics whose body is Python: the magic line goes, the code stays.
_PYTHON_BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_SHELL_OR_MAGIC = re.compile(r"^\s*[!%]")
_ASSIGNED_SHELL = re.compile(r"^\s*[\w.\[\], ]+=\s*[!%]")
_HELP_QUERY = re.compile(r"^\s*[\w.]+\?{1,2}\s*$")
_FUTURE_IMPORT = re.compile(r"^from\s+__future__\s+import\s+[\w, ()]+$")


@dataclass(frozen=True, slots=True)
class Submission:
    """A student's code, ready to be sent to a worker."""

    path: Path
    kind: SubmissionKind
    source: str
    """The Python source the worker imports as the student's module."""
    files: tuple[tuple[str, bytes], ...] = ()
    """Other files of a zip (helper modules, data), by safe relative path."""
    notes: tuple[str, ...] = ()
    """What was changed on the way in (dropped magics, skipped cells)."""

    @property
    def digest(self) -> str:
        h = hashlib.sha256(self.source.encode())
        for name, data in self.files:
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()


def load(path: Path, exercise_id: str | None = None) -> Submission:
    """Read ``path``; ``exercise_id`` helps pick the entry file inside a zip."""
    suffix = path.suffix.lower()
    if suffix not in (".py", ".ipynb", ".zip"):
        raise SubmissionError(f"{path.name}: unsupported file type {suffix or '(none)'}; "
                              "submit a .py, .ipynb or .zip file")
    limit = {".py": MAX_SOURCE_BYTES, ".ipynb": MAX_NOTEBOOK_BYTES, ".zip": MAX_ZIP_BYTES}[suffix]
    data = _read_regular_file(path, limit)
    if suffix == ".py":
        return Submission(path, "py", decode_python(data, path.name))
    if suffix == ".ipynb":
        source, notes = notebook_to_source(data, path.name)
        return Submission(path, "ipynb", source, notes=notes)
    return _load_zip(path, data, exercise_id)


def _read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file: a directory, a pipe (which would block) or a device is refused,
    and a file that grows while it is read cannot make us read more."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe would block a plain open
    except IsADirectoryError:
        raise SubmissionError(f"{path.name}: is a directory, not a file") from None
    except OSError as e:
        raise SubmissionError(f"{path.name}: cannot read file: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SubmissionError(f"{path.name}: is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise SubmissionError(f"{path.name}: is not a regular file (a device, socket or pipe)")
        if os.fstat(fd).st_size > limit:
            raise SubmissionError(f"{path.name}: file is larger than {limit // (1024 * 1024)} MB")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise SubmissionError(f"{path.name}: cannot read file: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise SubmissionError(f"{path.name}: file is larger than {limit // (1024 * 1024)} MB")
    return data


def decode_python(data: bytes, name: str) -> str:
    """Decode Python source bytes as Python would (UTF-8 or a PEP 263 declaration)."""
    if b"\0" in data:
        raise SubmissionError(f"{name}: contains NUL bytes; is it a binary file rather than Python source?")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:  # undecodable first lines, or a bogus coding cookie
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        raise SubmissionError(f"{name}: declares an unknown source encoding {encoding!r}") from None
    except UnicodeDecodeError as e:
        raise SubmissionError(f"{name}: is not UTF-8 text (invalid byte 0x{data[e.start]:02x} at "
                              f"offset {e.start}); save it as UTF-8") from None


def notebook_to_source(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """The code cells of a notebook, in order, as one module's source.

    Shell escapes (``!cmd``) and magics (``%magic``, most ``%%cell`` magics)
    are dropped, never executed; a cell tagged ``skip-grading`` is left out.
    Versions 3 and 4 are read by nbformat; a notebook of another version (or
    none) is read leniently when its cells have the usual shape, with a note.
    Every field is type-checked: a hostile notebook ends in one
    :class:`SubmissionError`, never in another exception.
    """
    cells, notes = _notebook_cells(data, name)
    parts: list[str] = []
    futures: list[str] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if SKIP_TAG in _tags(cell):
            notes.append(f"cell {number}: tagged {SKIP_TAG}, not graded")
            continue
        source = _cell_source(cell, number, name)
        code, cell_notes = _strip_magics(source, number)
        notes.extend(cell_notes)
        code, cell_futures = _hoist_future_imports(code)
        futures.extend(f for f in cell_futures if f not in futures)
        parts.append(f"{NOTEBOOK_CELL_MARK}{number} ----\n{code}\n")
    return "".join(f"{f}\n" for f in futures) + "\n".join(parts), tuple(notes)


def _notebook_cells(data: bytes, name: str) -> tuple[list[Any], list[str]]:
    """The notebook's cells (each still to be checked) and notes on how it was read."""
    import nbformat

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SubmissionError(f"{name}: is not UTF-8 text (invalid byte at offset {e.start})") from None
    if data.count(b"[") + data.count(b"{") + data.count(b",") > MAX_NOTEBOOK_ITEMS:
        raise SubmissionError(f"{name}: holds more than {MAX_NOTEBOOK_ITEMS:,} JSON items; not a notebook to grade")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise SubmissionError(f"{name}: not a valid Jupyter notebook (not JSON: {reason})") from None
    if not isinstance(raw, dict):
        raise SubmissionError(f"{name}: not a valid Jupyter notebook (the file is a JSON {type(raw).__name__}, "
                              "not an object)")
    _check_language(raw.get("metadata"), name)
    version = raw.get("nbformat")
    if type(version) is int and version == 4:
        cells, notes = raw.get("cells"), []  # parsed once: every field is type-checked below, not validated twice
    elif type(version) is int and version == 3:
        try:
            notebook = nbformat.reads(text, as_version=4)
            cells = notebook.get("cells")
        except Exception as e:  # nbformat raises several unrelated types for bad input
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise SubmissionError(f"{name}: not a valid Jupyter notebook ({reason[:200]})") from None
        notes: list[str] = []
    else:
        # No version or one nbformat does not know: read the cells the way version 4 (or 3) lays them out.
        cells = raw.get("cells")
        worksheets = raw.get("worksheets")
        if cells is None and isinstance(worksheets, list) and worksheets and isinstance(worksheets[0], dict):
            cells = [_v3_cell(c) for c in worksheets[0].get("cells", []) if isinstance(c, dict)]
        said = "no nbformat version" if version is None else f"nbformat version {str(version)[:20]}"
        notes = [f"the notebook declares {said}; its code cells were read as in version 4"]
    if not isinstance(cells, list):
        raise SubmissionError(f"{name}: not a valid Jupyter notebook (no list of cells)")
    return cells, notes


def _v3_cell(cell: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": cell.get("cell_type"), "source": cell.get("input", cell.get("source", "")),
            "metadata": cell.get("metadata", {})}


def _check_language(metadata: Any, name: str) -> None:
    kernelspec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    language = kernelspec.get("language", "python") if isinstance(kernelspec, dict) else "python"
    if isinstance(language, str) and language.lower() not in ("python", "python3", ""):
        raise SubmissionError(f"{name}: is a {language[:40]} notebook; a Python notebook is expected")


def _tags(cell: dict[str, Any]) -> list[str]:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    if isinstance(tags, str):
        return [tags]
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _cell_source(cell: dict[str, Any], number: int, name: str) -> str:
    """A code cell's text: a string or a list of strings, valid Unicode, no NUL (Python refuses to compile it)."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise SubmissionError(f"{name}: cell {number} has a source that is not text")
    if "\0" in source:
        raise SubmissionError(f"{name}: cell {number} contains NUL bytes (binary data, not Python)")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise SubmissionError(f"{name}: cell {number} contains characters that are not valid Unicode "
                              "(lone surrogates)") from None
    return source


def _hoist_future_imports(code: str) -> tuple[str, list[str]]:
    """Jupyter compiles cells one by one, so ``from __future__`` may open any cell;
    in one module it must come first. Move it there (a ``pass`` keeps line numbers)."""
    futures = []
    lines = code.splitlines()
    for index, line in enumerate(lines):
        if _FUTURE_IMPORT.match(line.strip()) and not line[:1].isspace():
            futures.append(line.strip())
            lines[index] = "pass  # moved to the top by the grader: " + line.strip()
    return "\n".join(lines), futures


def _strip_magics(source: str, number: int) -> tuple[str, list[str]]:
    lines = source.splitlines()
    notes: list[str] = []
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)[0] if lines[0].strip() != "%%" else ""
        if magic in _PYTHON_BODY_CELL_MAGICS:
            notes.append(f"cell {number}: cell magic %%{magic} dropped, its code kept")
            lines = lines[1:]
        else:
            notes.append(f"cell {number}: %%{magic} cell is not Python; dropped")
            return "", notes
    kept = []
    for line in lines:
        if _SHELL_OR_MAGIC.match(line) or _ASSIGNED_SHELL.match(line) or _HELP_QUERY.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}pass  # dropped by the grader: {line.strip()[:60]}")
            notes.append(f"cell {number}: dropped {line.strip()[:60]!r} (shell escapes and magics never run)")
        else:
            kept.append(line)
    return "\n".join(kept), notes


def _load_zip(path: Path, data: bytes, exercise_id: str | None) -> Submission:
    name = path.name
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _ARCHIVE_ERRORS as e:
        raise SubmissionError(f"{name}: not a readable zip file ({_one_line(e)})") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise SubmissionError(f"{name}: holds {len(members)} entries; at most {MAX_ZIP_MEMBERS} are allowed")

    files: dict[str, bytes] = {}
    total = 0
    for info in members:
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        relative = _safe_member_path(info, name)
        if info.flag_bits & 0x1:
            raise SubmissionError(f"{name}: {_one_line(info.filename)} is encrypted")
        # Read at most one byte past the cap: a lying header cannot make us inflate more.
        try:
            with archive.open(info) as member:
                content = member.read(MAX_ZIP_MEMBER_BYTES + 1)
        except _ARCHIVE_ERRORS as e:
            raise SubmissionError(f"{name}: cannot extract {_one_line(info.filename)} ({_one_line(e)})") from None
        if len(content) > MAX_ZIP_MEMBER_BYTES:
            raise SubmissionError(f"{name}: {_one_line(info.filename)} unpacks to more than "
                                  f"{MAX_ZIP_MEMBER_BYTES // (1024 * 1024)} MB")
        total += len(content)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise SubmissionError(f"{name}: unpacks to more than {MAX_ZIP_TOTAL_BYTES // (1024 * 1024)} MB")
        files[relative] = content

    entry = _pick_entry(files, exercise_id, name)
    entry_bytes = files.pop(entry)
    label = f"{name}:{entry}"
    if entry.endswith(".ipynb"):
        source, notes = notebook_to_source(entry_bytes, label)
    else:
        source, notes = decode_python(entry_bytes, label), ()
    # Helper modules sit beside the entry file, so imports work as they did for the student.
    base = PurePosixPath(entry).parent
    extra = []
    for relative, content in sorted(files.items()):
        try:
            extra.append((str(PurePosixPath(relative).relative_to(base)), content))
        except ValueError:
            continue  # outside the entry's folder: not importable by it anyway
    return Submission(path, "zip", source, files=tuple(extra), notes=(f"entry file: {entry}", *notes))


# What a corrupted or crafted archive can raise from inside zipfile and its decompressors.
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, RuntimeError,
                   ValueError, IndexError, KeyError, TypeError, OverflowError, zlib.error, lzma.LZMAError,
                   struct.error)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200] or type(value).__name__


def _safe_member_path(info: zipfile.ZipInfo, name: str) -> str:
    raw = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise SubmissionError(f"{name}: {_one_line(info.filename)} is a symbolic link; links are not accepted")
    parts = PurePosixPath(raw).parts
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or ".." in parts or not parts:
        raise SubmissionError(f"{name}: {_one_line(info.filename)} would extract outside the submission folder")
    return str(PurePosixPath(*parts))


def _pick_entry(files: dict[str, bytes], exercise_id: str | None, name: str) -> str:
    code = [f for f in files if f.endswith((".py", ".ipynb")) and not PurePosixPath(f).name.startswith(".")]
    if not code:
        raise SubmissionError(f"{name}: contains no .py or .ipynb file")
    if len(code) == 1:
        return code[0]
    preferred = [f"{exercise_id}.py", f"{exercise_id}.ipynb"] if exercise_id else []
    preferred += ["solution.py", "solution.ipynb", "submission.py", "submission.ipynb", "main.py"]
    for wanted in preferred:
        matches = [f for f in code if PurePosixPath(f).name == wanted]
        if len(matches) == 1:
            return matches[0]
    listed = ", ".join(sorted(code)[:6])
    raise SubmissionError(f"{name}: several code files ({listed}); name the one to grade "
                          f"{exercise_id or 'solution'}.py")
