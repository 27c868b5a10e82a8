"""Trusted-side vocabulary for an exercise's checks (``checks/`` and ``public/``).

Checks are pytest tests that run in the grader's own process. They receive
observations through the ``observe`` fixture, compare them with what was
expected and fail with a message written for a student: what was expected and
what the code did, in one or two sentences. The helpers here build such
messages, so that checks stay short and every failure reads the same way.

A failing ``assert cond, "message"`` is reported with exactly ``message``
(the judge runs pytest with plain asserts). Never put a hidden input or an
expected value in a message that would let a student copy the answer; say what
property was violated.

**Diagnosis.** A check names a known bug only on evidence: ``fail(message,
bug="id")`` when the observation shows that bug's symptom, ``bug=("a", "b")``
when it shows a symptom that only those bugs produce and cannot tell which.
A check that fails any other way (a plain ``assert``, ``fail`` without
``bug``, the student's code raising) names no bug. A check may only name bugs
it guards (its ``@pytest.mark.bug`` marks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .wire import ProbeError


class CheckFailed(AssertionError):
    """A check failed with a message for the student and, on evidence, the known bug(s) it saw."""

    def __init__(self, message: str, bugs: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.bugs = bugs


class ProbeFailed(AssertionError):
    """The student's code raised while a probe ran it: the check fails (and names no bug)."""

    def __init__(self, message: str, error: ProbeError | None = None) -> None:
        super().__init__(message)
        self.error = error


class ImportBlocked(ProbeFailed):
    """The check could not run: the submission failed to import (reported once, not per check)."""


class ObservationMissing(Exception):
    """No observation came back (the worker crashed, hung or lied): the check fails as missing."""


def fail(message: str, *, bug: str | Sequence[str] | None = None) -> None:
    """Fail the current check with ``message``.

    :param bug: the known bug whose symptom the observation shows, or several
        ids when the symptom is shared and the observation cannot tell them
        apart (the report then says "one of"). Leave it out when the check
        failed for any other reason: a wrong bug named is worse than none.
    """
    if bug is None:
        bugs: tuple[str, ...] = ()
    elif isinstance(bug, str):
        bugs = (bug,)
    else:
        bugs = tuple(dict.fromkeys(bug))
    raise CheckFailed(message, bugs)


def raised(error: ProbeError | None, type_name: str, *fragments: str) -> bool:
    """Whether a probe's recorded exception is ``type_name`` and its message holds every fragment.

    For checks that recognise a bug by what the student's code raised, e.g.
    ``raised(observe.error("first_batch"), "AttributeError", "'next'")``.
    """
    return (error is not None and error.kind == "raised" and error.type == type_name
            and all(f in error.message for f in fragments))


def describe(value: Any, *, limit: int = 6) -> str:
    """A short, student-readable summary of an observed value.

    Arrays are summarised (shape, dtype, range, first values), never dumped:
    a failure message must stay one or two lines.
    """
    if isinstance(value, np.ndarray):
        head = f"array of shape {tuple(value.shape)}, dtype {value.dtype}"
        if value.size == 0:
            return head + ", empty"
        if value.dtype.kind in "biuf":
            flat = value.reshape(-1)
            finite = flat[np.isfinite(flat)] if value.dtype.kind == "f" else flat
            parts = [head]
            if finite.size:
                parts.append(f"values in [{_num(finite.min())}, {_num(finite.max())}]")
            if finite.size < flat.size:
                parts.append(f"{flat.size - finite.size} non-finite")
            shown = ", ".join(_num(x) for x in flat[:limit])
            parts.append(f"first values [{shown}{', ...' if flat.size > limit else ''}]")
            return ", ".join(parts)
        return head
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return repr(text)
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if len(value) <= limit:
            return f"{kind} {[_short(v) for v in value]}"
        return f"{kind} of {len(value)} items starting {[_short(v) for v in value[:limit]]}"
    if isinstance(value, dict):
        return f"dict with keys {sorted(value)[:limit]}"
    if isinstance(value, float):
        return _num(value)
    return repr(value)


def expect_shape(actual: Any, shape: tuple[int, ...], *, what: str) -> np.ndarray:
    """Fail unless ``actual`` is an array of exactly ``shape``; return it."""
    if not isinstance(actual, np.ndarray):
        fail(f"{what} should be an array of shape {tuple(shape)}, but it was {describe(actual)}.")
    if tuple(actual.shape) != tuple(shape):
        fail(f"{what} should have shape {tuple(shape)}, but it has shape {tuple(actual.shape)}.")
    return actual


def expect_close(
    actual: Any,
    expected: Any,
    *,
    what: str,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """Fail unless ``actual`` equals ``expected`` within tolerance.

    Works for numbers and arrays; the message names the first difference
    without printing the whole expected array.
    """
    if isinstance(expected, (np.ndarray, list)) or isinstance(actual, np.ndarray):
        if isinstance(actual, list):  # a list of numbers is as good as an array here
            try:
                actual = np.asarray(actual, dtype=np.float64)
            except (TypeError, ValueError):
                fail(f"{what} should be numeric, but it was {describe(actual)}.")
        if not isinstance(actual, np.ndarray):
            fail(f"{what} should be an array, but it was {describe(actual)}.")
        expected = np.asarray(expected)
        if actual.shape != expected.shape:
            fail(f"{what} should have shape {expected.shape}, but it has shape {actual.shape}.")
        if actual.dtype.kind not in "biuf":
            fail(f"{what} should be numeric, but it has dtype {actual.dtype}.")
        a = actual.astype(np.float64)
        e = expected.astype(np.float64)
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        if not close.all():
            wrong = int((~close).sum())
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            fail(
                f"{what} is not what was expected: {wrong} of {close.size} values differ, "
                f"e.g. at index {index} your value is {_num(a[index])}."
            )
        return
    if not _is_number(actual):
        fail(f"{what} should be a number, but it was {describe(actual)}.")
    if not math.isclose(float(actual), float(expected), rel_tol=rtol, abs_tol=atol):
        fail(f"{what} should be {_num(expected)}, but your code gave {_num(actual)}.")


def expect_equal(actual: Any, expected: Any, *, what: str) -> None:
    """Fail unless ``actual == expected`` (plain data or arrays, exactly)."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        if not (isinstance(actual, np.ndarray) and actual.shape == np.shape(expected)
                and np.array_equal(actual, expected)):
            fail(f"{what} is not what was expected; your code gave {describe(actual)}.")
        return
    if actual != expected:
        fail(f"{what} is not what was expected; your code gave {describe(actual)}.")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _num(x: Any) -> str:
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def _short(value: Any) -> str:
    if isinstance(value, (np.ndarray, dict, list, tuple)):
        return describe(value, limit=3)
    return value if not isinstance(value, float) else _num(value)
