"""Which files of a class folder are whose submission for which exercise, and why the others are not.

A TA's folder is rarely tidy, so every item at the top of the folder is
classified on its own, and several layouts may be mixed in one folder:

``per-student``   ``<student>/<exercise_id>.py|.ipynb|.zip`` (nested folders and a zip inside are looked into);
``flat``          ``<student>_<exercise_id>.py|.ipynb|.zip`` side by side;
``zip``           ``<student>.zip`` holding ``<exercise_id>.py|.ipynb`` files;
``canvas``        Canvas's "Download Submissions": ``<name>[_late]_<userid>_<attachmentid>_<file>``;
``gradescope``    a Gradescope export: ``submission_metadata.yml`` and ``submission_<id>/`` folders;
``one-exercise``  with ``--exercise ID``: ``<student>.py|.ipynb|.zip`` or a student folder whose only code
                  file answers that exercise.

A file that answers no exercise is reported with the reason, never dropped
silently; documents beside the student folders and hidden files are listed by
``--dry-run`` only. Two files of one student for one exercise are a conflict:
the newest is graded (the LMS's order when it gives one, else the file's
modification time) and the others are reported. Nothing here reads a
submission's content beyond a zip's table of contents, and symbolic links are
never followed (a link planted in a class folder must not make the grader read
another file).
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .exercise import Course

SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip")
GRADESCOPE_METADATA = "submission_metadata.yml"
MAX_DEPTH = 3
"""How deep a student's folder is searched (an unzipped folder inside it is common; a home directory is not)."""
MAX_FILES_PER_STUDENT = 500
MAX_ZIP_BYTES = 20 * 1024 * 1024  # the same cap as submission.py's
_QUIET_NAMES = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini"}
# Canvas: lastfirst[_late]_userid_attachmentid_originalname (the original name may itself hold underscores).
_CANVAS = re.compile(r"^(?P<name>[^_]+?)(?P<late>_late)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$",
                     re.IGNORECASE)
# Copies made by browsers, Canvas and file managers: "toy-1.py", "toy (2).py", "toy copy.py".
_COPY_SUFFIX = re.compile(r"(?:-\d+| ?\(\d+\)| copy(?: \d+)?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ClassEntry:
    """One file to grade in a class folder."""

    student: str
    exercise_id: str
    path: Path
    submitted_at: str = ""
    """When it was submitted, if the layout says (an LMS timestamp, ISO 8601); "" otherwise."""
    late: bool = False
    """The LMS marked it late (Canvas's ``_late_`` in the file name)."""
    lms_id: str = ""
    """The student's id in the LMS the files came from (Canvas user id, Gradescope SID)."""
    name: str = ""
    """The student's name as the LMS wrote it, if it did."""
    email: str = ""
    layout: str = ""
    """Which layout found it (see the module's docstring)."""
    order: tuple[int, float] = field(default=(0, 0.0), compare=False)
    """How recent it is among files of the same student and exercise, bigger is newer: (1, the LMS's attempt
    number or time) when the LMS says, else (0, the file's modification time)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder that is not graded, and why."""

    path: str
    """Relative to the class folder."""
    reason: str
    quiet: bool = False
    """Expected clutter (documents beside the folders, hidden files): listed by ``--dry-run`` only."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Several files of one student answer one exercise: one is graded, by ``rule``."""

    student: str
    exercise_id: str
    kept: str
    dropped: tuple[str, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a class folder holds."""

    folder: Path
    entries: tuple[ClassEntry, ...]
    skipped: tuple[Skipped, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def layouts(self) -> dict[str, int]:
        """Files found per layout."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.layout] = counts.get(entry.layout, 0) + 1
        return counts

    @property
    def students(self) -> list[str]:
        return sorted({e.student for e in self.entries})

    def warnings(self) -> list[str]:
        """One line per file not graded (except quiet clutter) and per conflict."""
        lines = [f"{s.path}: {s.reason}" for s in self.skipped if not s.quiet]
        lines.extend(f"conflict: {len(c.dropped) + 1} files of {c.student} answer {c.exercise_id}; graded {c.kept} "
                     f"({c.rule}), not {', '.join(c.dropped)}" for c in self.conflicts)
        return lines


def find_submissions(folder: Path, course: Course, exercise_id: str | None = None
                     ) -> tuple[list[ClassEntry], list[str]]:
    """The files of a class folder, and warnings about files that were skipped (see :func:`discover`)."""
    found = discover(folder, course, exercise_id)
    return list(found.entries), found.warnings()


def discover(folder: Path, course: Course, exercise_id: str | None = None) -> Discovery:
    """Classify everything in ``folder``; with ``exercise_id``, only that exercise is graded."""
    scan = _Scan(folder, set(course.ids()), exercise_id)
    if (folder / GRADESCOPE_METADATA).is_file():
        scan.gradescope()
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name in scan.handled:
            continue
        scan.top(item)
    entries, conflicts = _resolve(scan.entries, scan.rel)
    return Discovery(folder, tuple(entries), tuple(scan.skipped), tuple(conflicts))


def exercise_of(name: str, known: set[str]) -> str | None:
    """The exercise a file name answers (``Toy-1.ipynb`` answers ``toy``), or None."""
    stem = normalise(name)
    return stem if stem in known else None


def normalise(name: str) -> str:
    """A file name's stem as an exercise id would be written: lower case, copies' suffixes off, ``_`` between words."""
    stem = PurePosixPath(name).name
    for suffix in SUBMISSION_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    stem = _COPY_SUFFIX.sub("", stem.strip())
    return re.sub(r"[\s\-.]+", "_", stem.strip()).lower()


# ---- the scan ------------------------------------------------------------------------------------------------


class _Scan:
    """Walks a class folder once, collecting entries and reasons."""

    def __init__(self, folder: Path, known: set[str], only: str | None) -> None:
        self.folder, self.known, self.only = folder, known, only
        self.entries: list[ClassEntry] = []
        self.skipped: list[Skipped] = []
        self.handled: set[str] = set()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.folder))
        except ValueError:
            return str(path)

    def skip(self, path: Path | str, reason: str, quiet: bool = False) -> None:
        self.skipped.append(Skipped(path if isinstance(path, str) else self.rel(path), reason, quiet))

    def add(self, entry: ClassEntry) -> None:
        if self.only is not None and entry.exercise_id != self.only:
            self.skip(entry.path, f"answers {entry.exercise_id}, not {self.only} (--exercise)")
            return
        self.entries.append(entry)

    # -- the top of the folder

    def top(self, item: Path) -> None:
        kind = _kind(item)
        if item.name.startswith(".") or item.name in _QUIET_NAMES:
            self.skip(item, "hidden or system file", quiet=True)
        elif kind == "link":
            self.skip(item, "a symbolic link; links are never followed")
        elif kind == "dir":
            self.student_folder(item, item.name)
        elif kind != "file":
            self.skip(item, "not a regular file (a device, socket or pipe)")
        elif item.suffix.lower() not in SUBMISSION_SUFFIXES:
            self.skip(item, "not a submission (.py, .ipynb or .zip); a document beside the student folders",
                      quiet=True)
        else:
            self.top_file(item)

    def top_file(self, item: Path) -> None:
        canvas = _CANVAS.match(item.name)
        if canvas and Path(canvas["file"]).suffix.lower() in SUBMISSION_SUFFIXES:
            self.canvas(item, canvas)
            return
        flat = self.flat_name(item.name)
        if flat is not None:
            student, exercise = flat
            self.add(ClassEntry(student, exercise, item, layout="flat", order=_mtime(item)))
        elif self.only is not None:
            self.add(ClassEntry(_student_of(item.name), self.only, item, layout="one-exercise", order=_mtime(item)))
        elif item.suffix.lower() == ".zip":
            self.zip_of_student(item, _student_of(item.name), layout="zip")
        else:
            self.skip(item, "a file outside any student folder whose name holds no exercise id: name it "
                            "<student>_<exercise>" + item.suffix.lower() + ", or use --exercise ID to grade a "
                            "flat folder of one exercise")

    def flat_name(self, name: str) -> tuple[str, str] | None:
        """``ana_torch_cifar_cnn.py`` -> (``ana``, ``torch_cifar_cnn``); the longest exercise id that fits wins."""
        stem = normalise(name)
        raw = _COPY_SUFFIX.sub("", Path(name).stem.strip())
        for exercise in sorted(self.known, key=len, reverse=True):
            if stem.endswith("_" + exercise) and len(stem) > len(exercise) + 1:
                student = raw[: len(raw) - len(exercise) - 1].rstrip(" _-.")
                if student:
                    return student, exercise
        return None

    # -- LMS downloads

    def canvas(self, item: Path, match: re.Match[str]) -> None:
        original = match["file"]
        exercise = exercise_of(original, self.known) or self.flat_exercise(original) or self.only
        if exercise is None:
            self.skip(item, f"a Canvas file whose original name {original!r} holds no exercise id; use "
                            "--exercise ID for a download of one assignment")
            return
        late = bool(match["late"])
        # Keyed by the Canvas user id too: two students of the same name must stay two students.
        self.add(ClassEntry(f"{match['name']}_{match['user']}", exercise, item, late=late, lms_id=match["user"],
                            name=match["name"],
                            layout="canvas", order=(1, float(match["attachment"]))))

    def flat_exercise(self, name: str) -> str | None:
        found = self.flat_name(name)
        return found[1] if found else None

    def gradescope(self) -> None:
        """``submission_metadata.yml`` maps ``submission_<id>`` folders to their submitters and times."""
        self.handled.add(GRADESCOPE_METADATA)
        metadata = self.folder / GRADESCOPE_METADATA
        try:
            import yaml

            data = yaml.safe_load(metadata.read_text(encoding="utf-8"))
        except Exception as e:  # noqa: BLE001 - a broken export is one line in the report, not a crash
            self.skip(metadata, f"cannot read the Gradescope metadata ({type(e).__name__}: {str(e)[:120]})")
            return
        if not isinstance(data, dict):
            self.skip(metadata, "the Gradescope metadata is not a mapping of submissions")
            return
        for key, value in sorted(data.items(), key=lambda kv: str(kv[0])):
            folder = self.folder / str(key)
            submitters = _field(value, "submitters")
            if _kind(folder) != "dir" or not isinstance(submitters, list) or not submitters:
                self.skip(str(key), "listed in the Gradescope metadata without a submission folder or submitter")
                continue
            self.handled.add(str(key))
            submitted, order = _when(_field(value, "created_at"))
            for person in submitters:
                name, sid, email = (str(_field(person, k) or "") for k in ("name", "sid", "email"))
                student = email or sid or name or str(key)
                base = ClassEntry(student, "", folder, submitted_at=submitted, lms_id=sid, name=name, email=email,
                                  layout="gradescope", order=order)
                self.student_files(folder, base)

    # -- one student's folder or zip

    def student_folder(self, folder: Path, student: str) -> None:
        base = ClassEntry(student, "", folder, layout="per-student")
        self.student_files(folder, base)

    def student_files(self, folder: Path, base: ClassEntry) -> None:
        before = len(self.entries) + len(self.skipped)
        self._student_files(folder, base)
        if len(self.entries) + len(self.skipped) == before:
            self.skip(folder, "an empty folder: no submission")

    def _student_files(self, folder: Path, base: ClassEntry) -> None:
        code: list[Path] = []
        for path, kind in _walk(folder, self):
            if kind == "dir":  # named like a file: graded as 0 with "is a directory", never skipped silently
                exercise = exercise_of(path.name, self.known) if path.suffix.lower() in SUBMISSION_SUFFIXES else None
                if exercise:
                    self.add(replace(base, exercise_id=exercise, path=path, order=_newest(base, path)))
                continue
            if path.suffix.lower() not in SUBMISSION_SUFFIXES:
                self.skip(path, "not a submission (.py, .ipynb or .zip)")
                continue
            code.append(path)
        # Inside a student's folder the folder says who: "hw_toy.py" answers toy as well as "toy.py" does.
        named = {p: exercise_of(p.name, self.known) or self.flat_exercise(p.name) for p in code}
        if self.only is not None and not any(e == self.only for e in named.values()):
            loose = [p for p in code if p.suffix.lower() != ".zip" or named[p] is None]
            if len(loose) == 1:  # the folder's only code file answers the one exercise asked for
                self.add(replace(base, exercise_id=self.only, path=loose[0], order=_newest(base, loose[0])))
                return
        for path in code:
            if named[path] is not None:
                self.add(replace(base, exercise_id=named[path], path=path, order=_newest(base, path)))
            elif path.suffix.lower() == ".zip":
                self.zip_of_student(path, base.student, base=base)
            else:
                ids = ", ".join(sorted(self.known)[:4]) + (", ..." if len(self.known) > 4 else "")
                self.skip(path, f"not named after an exercise (expected <exercise>{path.suffix.lower()}, "
                                f"e.g. {ids})")

    def zip_of_student(self, path: Path, student: str, layout: str = "", base: ClassEntry | None = None) -> None:
        """A zip of several exercises: one entry per exercise-named code file inside (read from its contents)."""
        base = base or ClassEntry(student, "", path, layout=layout)
        members, problem = _zip_names(path)
        if problem:
            self.skip(path, problem)
            return
        found = sorted({e for e in (exercise_of(m, self.known) for m in members if _is_code(m)) if e})
        if self.only is not None and self.only not in found and sum(_is_code(m) for m in members) == 1:
            found = [self.only]
        if not found:
            self.skip(path, "a zip with no file named after an exercise inside")
        for exercise in found:
            self.add(replace(base, exercise_id=exercise, path=path, order=_newest(base, path)))


def _walk(folder: Path, scan: _Scan, depth: int = 0, budget: list[int] | None = None
          ) -> Iterator[tuple[Path, str]]:
    """Files (and directories named like submissions) under a student's folder, depth-limited, links refused."""
    budget = [MAX_FILES_PER_STUDENT] if budget is None else budget
    try:
        items = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as e:
        scan.skip(folder, f"cannot list this folder ({e.strerror or e})")
        return
    for item in items:
        kind = _kind(item)
        if item.name.startswith(".") or item.name in _QUIET_NAMES:
            scan.skip(item, "hidden or system file", quiet=True)
        elif kind == "link":
            scan.skip(item, "a symbolic link; links are never followed")
        elif kind == "dir" and item.suffix.lower() not in SUBMISSION_SUFFIXES:
            if depth + 1 >= MAX_DEPTH:
                scan.skip(item, f"nested more than {MAX_DEPTH} folders deep; not searched")
            else:
                yield from _walk(item, scan, depth + 1, budget)
        elif kind in ("dir", "file"):
            budget[0] -= 1
            if budget[0] < 0:
                scan.skip(item, f"more than {MAX_FILES_PER_STUDENT} files in this student's folder; not searched")
                return
            yield item, kind
        else:
            scan.skip(item, "not a regular file (a device, socket or pipe)")


def _resolve(entries: list[ClassEntry], rel: Callable[[Path], str]) -> tuple[list[ClassEntry], list[Conflict]]:
    """One entry per (student, exercise): the newest; the others become a conflict's ``dropped``."""
    groups: dict[tuple[str, str], list[ClassEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.student, entry.exercise_id), []).append(entry)
    kept: list[ClassEntry] = []
    conflicts: list[Conflict] = []
    for (student, exercise), group in sorted(groups.items()):
        # An LMS's own order (attempt, timestamp) beats a file's modification time; the name breaks ties.
        ordered = sorted(group, key=lambda e: (e.order, str(e.path)), reverse=True)
        kept.append(ordered[0])
        if len(ordered) > 1:
            rule = ("the newest attempt by the LMS's order" if ordered[0].layout in ("canvas", "gradescope")
                    else "the most recently modified file")
            if len({e.path for e in ordered}) == 1:
                continue  # one zip answering through two names: not a conflict
            conflicts.append(Conflict(student, exercise, rel(ordered[0].path), tuple(rel(e.path) for e in ordered[1:]),
                                      rule))
    return kept, conflicts


def _kind(path: Path) -> str:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "special"


def _mtime(path: Path) -> tuple[int, float]:
    try:
        return (0, path.lstat().st_mtime)
    except OSError:
        return (0, 0.0)


def _newest(base: ClassEntry, path: Path) -> tuple[int, float]:
    return base.order if base.order[0] else _mtime(path)


def _when(value: Any) -> tuple[str, tuple[int, float]]:
    """Gradescope's ``created_at`` (YAML loads it as a datetime, or leaves a string) as ISO text and an order."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return value, (0, 0.0)
    if isinstance(value, datetime):
        return value.isoformat(), (1, value.timestamp())
    return "", (0, 0.0)


def _student_of(name: str) -> str:
    stem = Path(name).stem.strip()
    return _COPY_SUFFIX.sub("", stem).strip() or stem


def _is_code(member: str) -> bool:
    base = PurePosixPath(member).name
    return base.lower().endswith((".py", ".ipynb")) and not base.startswith(".") and "__MACOSX" not in member


def _zip_names(path: Path) -> tuple[list[str], str]:
    """A zip's member names, or why they cannot be listed (its contents are read later, with caps)."""
    try:
        if path.stat().st_size > MAX_ZIP_BYTES:
            return [], f"a zip larger than {MAX_ZIP_BYTES // (1024 * 1024)} MB"
        with zipfile.ZipFile(path) as archive:
            return [i.filename.replace("\\", "/") for i in archive.infolist()][:1000], ""
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as e:
        return [], f"not a readable zip file ({str(e)[:120] or type(e).__name__})"


def _field(data: Any, name: str) -> Any:
    """A key of Gradescope's Ruby-flavoured YAML (``:name:`` keys load as ``":name"``)."""
    if not isinstance(data, dict):
        return None
    return data.get(f":{name}", data.get(name))


__all__ = ["ClassEntry", "Conflict", "Discovery", "Skipped", "SUBMISSION_SUFFIXES", "discover", "find_submissions",
           "exercise_of", "normalise"]
