"""The errors a user can see. Each carries its message and the CLI's exit code.

Only ``cli.py`` turns them into output; every other module raises.
"""

from __future__ import annotations


class GraderError(Exception):
    """Base class: ``str(error)`` is the one line the user reads."""

    exit_code = 1


class ExerciseError(GraderError):
    """An exercise folder or its ``exercise.toml`` is malformed or missing."""


class SubmissionError(GraderError):
    """A submission cannot be read: wrong type, not UTF-8, broken notebook, unsafe zip."""


class UsageError(GraderError):
    """The command line asked for something that does not exist."""

    exit_code = 2


class SandboxError(GraderError):
    """Student code cannot be run safely here (a required isolation layer is missing or broke)."""


class SelfCheckError(GraderError):
    """The pool graded a reference solution or a mutant wrongly: nobody may be graded on it."""
