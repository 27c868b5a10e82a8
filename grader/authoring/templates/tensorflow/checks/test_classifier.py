"""Hidden checks (trusted process): they read observations, compare, and award points.

The predict check recognises the known bug by its exact symptom: an argmax over the batch gives one value
per class instead of one per input.
"""

import numpy as np
import pytest

from grader.checking import describe, expect_equal, expect_shape, fail
from grader.probing import wrong_type


@pytest.mark.points(20)
def test_outputs_are_probabilities(observe):
    """The model outputs one probability distribution per input."""
    output = observe("probabilities", n=6)["output"]
    if (kind := wrong_type(output)) is not None:
        fail(f"Calling the model should give an array, but it gave a {kind}.")
    expect_shape(output, (6, 3), what="The model's output for 6 inputs")
    assert (output >= 0).all() and np.allclose(output.sum(axis=1), 1, atol=1e-5), \
        f"Each row should be probabilities summing to 1, but the model gave {describe(output)}."


@pytest.mark.points(40)
@pytest.mark.bug("argmax-axis-0")
def test_predict_classes(observe, expected):
    """predict_classes gives the most probable class of each input."""
    got = observe("predict")
    if (kind := wrong_type(got)) is not None:
        fail(f"predict_classes should return an array, but it returned a {kind}.")
    if got.shape == (3,):
        fail("predict_classes returned one value per class instead of one per input.", bug="argmax-axis-0")
    expect_equal(got, expected("predict"), what="The predicted classes")


@pytest.mark.points(30)
def test_learns(observe):
    """After model.fit, the model classifies new inputs of a simple task (accuracy at least 0.85)."""
    accuracy = observe("learns")["accuracy"]
    assert accuracy >= 0.85, f"After fit the accuracy on new data was {describe(accuracy)}; " \
                             "at least 0.85 was expected."
