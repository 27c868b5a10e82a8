"""Public checks: students get this file in their bundle (grader export) and see their code's output."""

import pytest

from grader.checking import expect_close, fail
from grader.probing import wrong_type


@pytest.mark.points(10)
def test_readme_example(observe):
    """softmax([0.0, 0.0]) is [0.5, 0.5] (the statement's example)."""
    got = observe("readme")
    if (kind := wrong_type(got)) is not None:
        fail(f"softmax should return a list of floats, but it returned a {kind}.")
    expect_close(got, [0.5, 0.5], what="softmax([0.0, 0.0])")
