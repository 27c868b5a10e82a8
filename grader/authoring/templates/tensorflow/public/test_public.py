"""Public checks: students get this file in their bundle (grader export) and see their code's output."""

import pytest

from grader.checking import expect_shape, fail
from grader.probing import wrong_type


@pytest.mark.points(10)
def test_output_shape(observe):
    """build_classifier(4, 3) maps 2 inputs to 2 rows of 3 probabilities."""
    seen = observe("probabilities", n=2)
    if (kind := wrong_type(seen["output"])) is not None:
        fail(f"Calling the model should give an array, but it gave a {kind}.")
    expect_shape(seen["output"], (2, 3), what="The model's output for 2 inputs")
