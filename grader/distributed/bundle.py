"""The course, shipped to the nodes once per run and named by the hash of its content.

The driver packs the exercises a run needs (every file of each exercise folder
and its reference solution: exactly what ``Exercise.digest`` covers) into one
archive that Ray transfers to each node once. A node unpacks it into a
folder of its own cache named after the content hash, so a later run of the
same course on that node unpacks nothing, and a changed course can never be
mistaken for the old one. The hash is taken over the files (relative path and
content), not over the archive's bytes, so that the node can recompute it on
what it unpacked: a folder whose files differ from what the driver sent is
unpacked again, never used.

Nothing here runs anything: the archive holds the course's trusted files and
the node's cache folder is hidden from every sandboxed worker (the pool hides
the whole cache).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..exercise import Course


@dataclass(frozen=True, slots=True)
class Bundle:
    """The files of a course that a run needs, as one archive."""

    sha256: str
    """The content hash of the files (see :func:`tree_hash`); names the node's cache folder."""
    data: bytes
    """A gzipped tar of ``exercises/<id>/...`` and ``solutions/<id>.py``, paths relative to the course."""


def pack(course: Course, exercise_ids: Iterable[str]) -> Bundle:
    """The exercises ``exercise_ids`` of ``course`` and their solutions, packed in a fixed order."""
    files = _course_files(course.root, exercise_ids)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as archive:
        for relative in files:
            data = (course.root / relative).read_bytes()
            info = tarfile.TarInfo(relative)
            info.size, info.mode = len(data), 0o644  # no owner, no time: the same files give the same archive
            archive.addfile(info, io.BytesIO(data))
    return Bundle(tree_hash(course.root, files), buffer.getvalue())


def unpack(data: bytes, sha256: str, cache: Path) -> Course:
    """The course of this archive in ``cache/<sha256>/``: reused when its files still hash to ``sha256``,
    unpacked otherwise. Raises ``ValueError`` when the archive's own files do not hash to ``sha256``."""
    target = cache / sha256
    if target.is_dir() and _hash_of_folder(target) == sha256:
        return Course(target)
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{sha256[:12]}-", dir=cache))
    try:
        _extract(data, scratch)
        found = _hash_of_folder(scratch)
        if found != sha256:
            raise ValueError(f"the course received hashes to {found[:12]}, not to {sha256[:12]} as the driver said")
        if target.is_dir() and _hash_of_folder(target) == sha256:
            return Course(target)  # another process of this node unpacked it meanwhile: a valid copy is never removed
        if target.exists():  # a stale or altered copy: moved aside first, so no reader ever sees it half-deleted
            aside = cache / f".stale-{sha256[:12]}-{os.getpid()}-{time.monotonic_ns()}"
            os.rename(target, aside)
            shutil.rmtree(aside, ignore_errors=True)
        try:
            os.rename(scratch, target)
        except OSError:  # another process of this node unpacked the same course at the same moment
            if _hash_of_folder(target) != sha256:
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Course(target)


def _extract(data: bytes, into: Path) -> None:
    """Regular files only, at plain relative paths (what :func:`pack` writes); anything else is refused."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive:
            parts = Path(member.name).parts
            if not member.isfile() or member.name.startswith("/") or ".." in parts or not parts:
                raise ValueError(f"the course archive holds {member.name!r}, which is not a plain file")
            source = archive.extractfile(member)
            assert source is not None
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())


def tree_hash(root: Path, files: Iterable[str]) -> str:
    """sha256 over each file's relative path and the sha256 of its content, in the given order."""
    h = hashlib.sha256()
    for relative in files:
        h.update(relative.encode() + b"\0" + hashlib.sha256((root / relative).read_bytes()).digest())
    return h.hexdigest()


def _course_files(root: Path, exercise_ids: Iterable[str]) -> list[str]:
    files: list[str] = []
    for exercise_id in sorted(set(exercise_ids)):
        folder = root / "exercises" / exercise_id
        files += sorted(p.relative_to(root).as_posix() for p in folder.rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts)
        if (root / "solutions" / f"{exercise_id}.py").is_file():
            files.append(f"solutions/{exercise_id}.py")
    return files


def _hash_of_folder(root: Path) -> str:
    """The tree hash of an unpacked course: every exercise it holds, in the order :func:`pack` uses."""
    exercises = root / "exercises"
    ids = sorted(p.name for p in exercises.iterdir() if p.is_dir()) if exercises.is_dir() else []
    return tree_hash(root, _course_files(root, ids))
