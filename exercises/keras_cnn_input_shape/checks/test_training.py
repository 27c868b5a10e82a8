"""Hidden checks of train_and_evaluate on a small 4-class task (the class is the bright quadrant)."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

THRESHOLD = 0.9


def _truth(seen):
    """Accuracy and sparse cross-entropy of the trained model's own predictions on the test arrays."""
    probabilities = seen["probabilities"]
    labels = seen["y_test"].astype(int)
    if not isinstance(probabilities, np.ndarray) or probabilities.shape != (len(labels), 4):
        fail(
            "After train_and_evaluate, model.predict on the test patches should give one row of 4 class "
            f"probabilities per patch, but it gave {describe(probabilities)}."
        )
    p = probabilities.astype(np.float64)
    accuracy = float((p.argmax(axis=1) == labels).mean())
    rows = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
    loss = float(-np.log(np.clip(rows[np.arange(len(labels)), labels], 1e-7, 1.0)).mean())
    return accuracy, loss


def _pair(seen):
    """The (test_loss, test_accuracy) pair train_and_evaluate returned, as two floats."""
    result = seen["result"]
    if (not isinstance(result, list) or len(result) != 2
            or not all(isinstance(v, float) and math.isfinite(v) for v in result)):
        fail(
            "train_and_evaluate should return a tuple of two numbers (test_loss, test_accuracy), but it "
            f"returned a {seen['result_type']}: {describe(result)}."
        )
    return result


def _tolerance(seen):
    return 0.5 / len(seen["y_test"]) + 1e-6


@pytest.mark.points(13)
def test_model_learns_quadrant_task(observe):
    """create_model + train_and_evaluate (3 epochs) learn a simple 4-class task to >= 90% test accuracy."""
    seen = observe("train", permuted=False)
    accuracy, _ = _truth(seen)
    if accuracy < THRESHOLD:
        fail(
            "After train_and_evaluate (3 epochs on a small 4-class task where the class is which quadrant "
            f"of the patch is bright), the model classified {accuracy:.0%} of held-out patches correctly; "
            f"at least {THRESHOLD:.0%} is expected. The model should learn where energy appears in a patch."
        )


@pytest.mark.points(5)
def test_returns_loss_then_accuracy(observe):
    """train_and_evaluate returns (test_loss, test_accuracy) in that order."""
    seen = observe("train", permuted=False)
    accuracy, _ = _truth(seen)
    first, second = _pair(seen)
    tol = _tolerance(seen)
    if abs(second - accuracy) <= tol:
        return
    if abs(first - accuracy) <= tol:
        fail(
            "train_and_evaluate should return (test_loss, test_accuracy), but it returned the accuracy "
            f"first ({first:.4g}) and {second:.4g} second: the two values are swapped."
        )
    fail(
        "The second value returned by train_and_evaluate should be the test accuracy (the fraction of "
        f"test patches classified correctly, {accuracy:.4g} for your trained model), but it was {second:.4g}."
    )


@pytest.mark.points(8)
def test_metrics_come_from_test_arrays(observe):
    """The reported loss and accuracy are measured on x_test / y_test, not on the training data."""
    seen = observe("train", permuted=True)
    accuracy, loss = _truth(seen)
    first, second = _pair(seen)
    tol = _tolerance(seen)
    if abs(second - accuracy) > tol:
        if abs(first - accuracy) <= tol:
            fail(
                "train_and_evaluate returned the test accuracy as its first value: the result should be "
                "(test_loss, test_accuracy)."
            )
        fail(
            "train_and_evaluate should report the accuracy on x_test / y_test: on those arrays your trained "
            f"model scores {accuracy:.4g}, but it returned {second:.4g}. Evaluate on the test arrays, "
            "not on the training data."
        )
    if not math.isclose(first, loss, rel_tol=0.1, abs_tol=0.05):
        fail(
            "train_and_evaluate should report the test loss, the sparse categorical cross-entropy of the "
            f"model on x_test / y_test (about {loss:.4g} for your trained model), but it returned {first:.4g}."
        )


@pytest.mark.points(5)
def test_trains_requested_epochs_and_batches(observe):
    """train_and_evaluate trains the given model for `epochs` epochs of `batch_size` examples."""
    for permuted in (False, True):
        seen = observe("train", permuted=permuted)
        steps, want = seen["iterations"], seen["expected_iterations"]
        if steps is None:
            fail("The model passed to train_and_evaluate has no optimizer after training; is it compiled?")
        if steps != want:
            fail(
                "train_and_evaluate should train the model it is given with the epochs and batch_size "
                f"arguments ({want} optimizer steps in one of the graded runs), but the model's optimizer "
                f"made {steps} steps. Pass epochs= and batch_size= to model.fit."
            )
