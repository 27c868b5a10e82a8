"""What the driver and a node say to each other: plain data only.

The driver sends each node a :class:`Manifest` once (who the grader is, which
course, which exercise versions) and then one pair at a time
as :func:`pair_to_plain` (the submission's source text and helper files as
bytes: never a pickled object of the student's, never a path the node would
have to read). A node answers each pair with :func:`reply` (the
``PairResult.to_dict()`` of the grade) or :func:`node_failure` (this node can
no longer grade: the pair goes to another node). Ray serialises these dicts
of ``str``, ``bytes``, numbers and lists; nothing that runs code on loading
crosses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..submission import Submission


@dataclass(frozen=True, slots=True)
class Manifest:
    """What every node must agree with before it grades anyone."""

    grader_version: str
    """``grader.__version__`` of the driver: it is part of every stored result's key."""
    grader_code: str
    """sha256 of the driver's grading code (:func:`code_digest`): the version string alone does not change with
    every edit, and a node running another judge or sandbox would grade with another grader."""
    course_sha256: str
    """The content hash of the shipped course (``bundle.Bundle.sha256``)."""
    digests: dict[str, str]
    """``Exercise.digest()`` of every exercise of the run, as the driver computed it on its own course."""
    unsafe: bool
    """Grade even where a node cannot build the sandbox (``--unsafe``: a trusted author's own files only)."""

    def to_plain(self) -> dict[str, Any]:
        return {"grader_version": self.grader_version, "grader_code": self.grader_code,
                "course_sha256": self.course_sha256, "digests": dict(self.digests), "unsafe": self.unsafe}

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> Manifest:
        return cls(str(data["grader_version"]), str(data["grader_code"]), str(data["course_sha256"]),
                   {str(k): str(v) for k, v in data["digests"].items()}, bool(data["unsafe"]))


def identity_problems(manifest: Manifest) -> list[str]:
    """Why this process's grader is not the driver's, one sentence each; empty when it is."""
    problems = []
    if manifest.grader_version != __version__:
        problems.append(f"this node has grader {__version__}, the driver {manifest.grader_version}; "
                        "install the same version on every node")
    elif (here := code_digest()) != manifest.grader_code:
        problems.append(f"this node's grader {__version__} has other source code than the driver's "
                        f"({here[:12]} here, {manifest.grader_code[:12]} there); "
                        "install the same grader on every node")
    return problems


NOT_ON_NODES = ("_course", "cli", "render", "authoring")
"""Parts of the grader package that never run on a node: the bundled course (the run ships its own), the
command line, the renderers (results are rendered by the driver) and the authoring tools."""


def code_digest() -> str:
    """sha256 over every ``.py`` file of the grader package that can change a verdict (relative path and
    content; :data:`NOT_ON_NODES` left out): the same installed grader gives the same digest on every machine.
    Not cached: it is read once per run on each side (a few ms), so that an edit between two runs is seen."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in NOT_ON_NODES or "__pycache__" in relative.parts:
            continue
        h.update(relative.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def pair_to_plain(student: str, exercise_id: str, submission: Submission) -> dict[str, Any]:
    """One pair as plain data: the source text and helper files travel, not the file."""
    return {"student": student, "exercise": exercise_id, "name": submission.path.name, "kind": submission.kind,
            "source": submission.source, "files": [[name, bytes(data)] for name, data in submission.files],
            "notes": list(submission.notes)}


def pair_from_plain(data: dict[str, Any]) -> tuple[str, str, Submission]:
    """``(student, exercise_id, submission)`` back from :func:`pair_to_plain`; only the file's name is kept."""
    submission = Submission(Path(Path(str(data["name"])).name), data["kind"], str(data["source"]),
                            tuple((str(name), bytes(content)) for name, content in data["files"]),
                            tuple(str(n) for n in data["notes"]))
    return str(data["student"]), str(data["exercise"]), submission


def reply(result: dict[str, Any], seconds: float) -> dict[str, Any]:
    """A node's answer for a graded pair: the result and how long the node spent on it."""
    return {"result": result, "seconds": seconds}


def node_failure(reason: str) -> dict[str, Any]:
    """A node's answer when it could not grade the pair for a reason of its own (its sandbox broke, say)."""
    return {"node_failure": reason}
