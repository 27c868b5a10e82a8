"""One node's grader: the body of the long-lived Ray actor the driver starts on each node.

The actor process is trusted grader code, like the local ``grader grade``
process: it owns the node's :class:`~grader.sandbox.Pool` (its warm zygotes
are that node's), runs the judge, and never imports or runs a student's
code itself; submissions run only in the pool's sandboxed workers, exactly as
in a local run. Its life:

1. :meth:`NodeGrader.prepare`, once: check that this node's grader is the
   driver's (version and source), unpack the course by its content hash into
   the node's cache, check every exercise's digest against the driver's,
   start the pool and run the batch self-check (``selfcheck.prove``). Any
   mismatch or failure is returned as problems, and the node grades nobody.
2. :meth:`NodeGrader.grade`, once per pair, several at a time (one per slot):
   plain data in, ``PairResult.to_dict()`` out.
3. :meth:`NodeGrader.finish`: the self-check after the last pair, then the
   pool is closed.

The class knows nothing of Ray (the driver wraps it with ``ray.remote``), so
it can be imported, and tested, without Ray installed.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from .. import engine, selfcheck
from ..errors import GraderError, SandboxError
from ..exercise import Course, Exercise
from ..reference import cache_dir
from ..sandbox import Pool
from . import bundle, messages


class NodeGrader:
    """Grades pairs on this node with its own warm, sandboxed pool (see the module doc)."""

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._exercises: dict[str, Exercise] = {}
        self.where = f"{socket.gethostname()} (pid {os.getpid()})"

    def prepare(self, manifest: dict[str, Any], archive: bytes, slots: int) -> dict[str, Any]:
        """Check, unpack, start ``slots`` workers and prove this node; ``{"problems": [...], "pid", "host",
        "slots"}``."""
        wanted = messages.Manifest.from_plain(manifest)
        problems = messages.identity_problems(wanted)
        if not problems:
            problems = self._unpack(wanted, archive)
        if not problems:
            problems = self._start(wanted, slots)
        return {"problems": problems, "pid": os.getpid(), "host": socket.gethostname(),
                "slots": self._pool.jobs if self._pool is not None else 0}

    def grade(self, pair: dict[str, Any]) -> dict[str, Any]:
        """Grade one pair (see ``messages.pair_to_plain``) in this node's pool."""
        started = time.perf_counter()
        student, exercise_id, submission = messages.pair_from_plain(pair)
        exercise, pool = self._exercises.get(exercise_id), self._pool
        if exercise is None or pool is None:
            return messages.node_failure(f"{self.where} was not prepared for exercise {exercise_id!r}")
        try:
            result = engine.grade(exercise, submission, pool, student)
        except SandboxError as e:
            # Nothing a submission does raises this (its misdeeds end up in its run record): this node's sandbox
            # broke. Another node grades the pair; this one stops.
            return messages.node_failure(f"{self.where}: the sandbox broke: {e}")
        except GraderError as e:  # this pair could not be graded: said in its result, as the local executor does
            result = engine.unreadable(exercise, submission.path, str(e), student)
        except Exception as e:  # noqa: BLE001 - a grader bug on one pair must not cost the class its grades
            result = engine.unreadable(exercise, submission.path, f"internal error while grading: "
                                       f"{type(e).__name__}: {e}", student)
        return messages.reply(result.to_dict(), time.perf_counter() - started)

    def finish(self) -> list[str]:
        """The self-check after the last pair, then close the pool; the problems it found."""
        pool, self._pool = self._pool, None
        if pool is None:
            return []
        try:
            selfcheck.prove(self._exercises.values(), pool, f"after grading on {self.where}")
        except GraderError as e:
            return [str(e)]
        finally:
            pool.close()
        return []

    def _unpack(self, wanted: messages.Manifest, archive: bytes) -> list[str]:
        try:
            course = bundle.unpack(archive, wanted.course_sha256, cache_dir() / "courses")
            exercises = {i: course.get(i) for i in sorted(wanted.digests)}
        except (OSError, ValueError, GraderError) as e:
            return [f"the course could not be unpacked on {self.where}: {e}"]
        problems = [f"exercise {i} has digest {e.digest()[:12]} here, {wanted.digests[i][:12]} on the driver"
                    for i, e in exercises.items() if e.digest() != wanted.digests[i]]
        if not problems:
            self._exercises = exercises
        return problems

    def _start(self, wanted: messages.Manifest, slots: int) -> list[str]:
        course_root = next(iter(self._exercises.values())).root.parent.parent
        try:
            pool = Pool(slots, unsafe=wanted.unsafe, hidden=(*Course(course_root).hidden_folders, cache_dir()))
        except GraderError as e:
            return [f"{self.where} cannot run student code: {e}"]
        try:
            pool.prepare({e.preload for e in self._exercises.values()})
            selfcheck.prove(self._exercises.values(), pool, f"before grading on {self.where}")
        except GraderError as e:
            pool.close()
            return [str(e)]
        self._pool = pool
        return []
