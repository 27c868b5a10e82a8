"""Hidden checks (trusted process): they read observations, compare, and award points.

The update check recognises the known bug by its exact symptom: without zero_grad, the second step applies
the first step's gradient again, so its update equals the reference's first plus second updates.
"""

import numpy as np
import pytest

from grader.checking import describe, expect_close, expect_shape, fail
from grader.probing import wrong_type


@pytest.mark.points(10)
def test_output_shape_other_batch(observe):
    """The classifier maps any batch of inputs to one row of logits each."""
    seen = observe("forward", n=7)
    assert seen["is_module"], f"build_classifier should return a torch.nn.Module, not a {seen['type']}."
    expect_shape(seen["output"], (7, 3), what="The classifier's output for 7 inputs")


@pytest.mark.points(20)
def test_returns_the_loss(observe, expected):
    """train_step returns the cross-entropy loss before the update, as a number."""
    got, want = observe("two_steps")["losses"], expected("two_steps")["losses"]
    if (kind := wrong_type(got[0])) is not None:
        fail(f"train_step should return the loss as a float, but it returned a {kind}.")
    expect_close(got[0], want[0], what="The loss of the first step", rtol=1e-4)


@pytest.mark.points(40)
@pytest.mark.bug("no-zero-grad")
def test_each_step_uses_its_own_gradient(observe, expected):
    """Each step updates the parameters with that step's gradient only."""
    got, want = observe("two_steps")["updates"], expected("two_steps")["updates"]
    if any(wrong_type(u) is not None for u in got):
        fail("train_step did not update the model's parameters as arrays could be read.")
    expect_close(got[0], want[0], what="The first step's update", rtol=1e-4, atol=1e-7)
    if np.allclose(got[1], want[0] + want[1], rtol=1e-4, atol=1e-7):
        fail("The second step applied the first step's gradient again.", bug="no-zero-grad")
    expect_close(got[1], want[1], what="The second step's update", rtol=1e-4, atol=1e-7)


@pytest.mark.points(20)
def test_learns(observe):
    """Trained with train_step, the classifier learns a simple task (accuracy at least 0.9)."""
    accuracy = observe("learns")["accuracy"]
    assert accuracy >= 0.9, f"After 60 training steps the accuracy on new data was {describe(accuracy)}; " \
                            "at least 0.9 was expected."
