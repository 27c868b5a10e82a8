"""For exercise authors: scaffold, probe, verify and ship exercises.

- :mod:`.new` — ``grader new``: a new exercise folder that already passes ``verify``;
- :mod:`.probe` — ``grader probe``: what the probes observe for a file (the author's quick loop);
- :mod:`.verify` — ``grader verify``: every soundness claim of an exercise;
- :mod:`.export` — ``grader export``: the student bundle (public checks only) and the public view that
  ``grader check`` grades;
- :mod:`.gradescope` — ``grader export --gradescope``: a Gradescope autograder zip;
- :mod:`.table` — the README's exercise table, generated from the exercises.

``authoring.verify(exercise, pool, progress)`` is the function of :mod:`.verify` (re-exported here).
"""

from __future__ import annotations

from .verify import Finding, VerifyReport, verify

__all__ = ["Finding", "VerifyReport", "verify"]
