"""Hidden checks (trusted process): they read observations, compare, and award points.

Their code and inputs are never shown to students; each failure message says what was expected and what
the code did, without the hidden inputs or expected arrays.
"""

import numpy as np
import pytest

from grader.checking import describe, expect_close, fail, raised
from grader.probing import wrong_type


def _probabilities(observe, case):
    got = observe("softmax", case=case)
    if (kind := wrong_type(got)) is not None:
        fail(f"softmax should return a list of floats, but it returned a {kind}.")
    return got


@pytest.mark.points(30)
def test_matches_reference(observe, expected):
    """softmax gives the right probabilities on ordinary scores."""
    for case in ("small", "negative", "single"):
        expect_close(_probabilities(observe, case), expected("softmax", case=case),
                     what=f"softmax of the '{case}' scores")


@pytest.mark.points(15)
def test_sums_to_one(observe):
    """The probabilities sum to 1."""
    for case in ("small", "negative"):
        total = float(np.sum(_probabilities(observe, case)))
        assert abs(total - 1) < 1e-9, f"The probabilities should sum to 1, but they sum to {total:.6g}."


@pytest.mark.points(35)
@pytest.mark.bug("no-max-shift")
def test_large_scores(observe, expected):
    """Scores around 1000 give finite, correct probabilities."""
    if raised(observe.error("softmax", case="large"), "OverflowError"):
        fail("On scores around 1000 your softmax raised OverflowError: exp() of such a score overflows.",
             bug="no-max-shift")
    got = _probabilities(observe, "large")
    if not np.isfinite(got).all():
        fail(f"On scores around 1000 your softmax returned {describe(got)}: exp() overflowed to inf.",
             bug="no-max-shift")
    expect_close(got, expected("softmax", case="large"), what="softmax of scores around 1000")


@pytest.mark.points(10)
@pytest.mark.visibility("hidden")  # students see this check's title and points, not its message
def test_empty_raises(observe):
    """softmax([]) raises ValueError."""
    seen = observe("empty")
    if "returned" in seen:
        fail(f"softmax([]) should raise ValueError, but it returned a {seen['returned']}.")
    assert seen["raised"] == "ValueError", f"softmax([]) should raise ValueError, not {seen['raised']}."
