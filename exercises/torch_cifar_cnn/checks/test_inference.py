"""Hidden checks: predict and evaluate_accuracy (eval mode, no autograd, mode restored, exact counts)."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

MODES = (True, False)


def _mode(training):
    return "training" if training else "eval"


def _flags_restored(flags, training):
    return bool(flags) and all(flag == training for flag in flags)


@pytest.mark.points(6)
def test_predict_returns_eval_mode_classes(observe, expected):
    """predict returns the class indices of the model's eval-mode output, the same on every call."""
    for training in MODES:
        got, want = observe("predict", training=training), expected("predict", training=training)
        first, reference = got["first"], want["first"]
        if got["first_type"] != "Tensor" or not isinstance(first, np.ndarray):
            fail(f"predict should return a LongTensor of class indices, but it returned a {got['first_type']}.")
        if first.shape != reference.shape:
            fail(f"For {reference.shape[0]} images predict should return one class index per image, shape "
                 f"{tuple(reference.shape)}, but it returned shape {tuple(first.shape)}.")
        if first.dtype != np.int64:
            fail(f"predict should return class indices as a LongTensor (int64), but it returned "
                 f"{describe(first)}.")
        if not np.array_equal(got["second"], first):
            fail(f"Two calls of predict on the same images (model in {_mode(training)} mode) gave different "
                 f"classes: Dropout was still active. Switch the model to eval mode (model.eval()) "
                 f"before the forward pass.")
        if not np.array_equal(first, reference):
            wrong = int((first != reference).sum())
            hint = ("Dropout was still active: switch the model to eval mode (model.eval()) first."
                    if training else "predict should return the argmax of the logits over the classes.")
            fail(f"With the model in {_mode(training)} mode, {wrong} of {first.size} classes returned by "
                 f"predict are not the argmax of the model's eval-mode output. {hint}")


@pytest.mark.points(4)
def test_predict_without_autograd(observe):
    """predict runs the model with autograd off (no graph is built for prediction)."""
    for training in MODES:
        got = observe("predict", training=training)
        seen = got["grad_enabled_in_forward"]
        if not seen:
            fail("predict should run the model it is given on the images, but the model was never called.")
        if any(seen) or got["first_requires_grad"]:
            fail("predict ran the model with autograd on, so it built a gradient graph it never uses: "
                 "wrap the forward pass in `with torch.no_grad():`.")


@pytest.mark.points(5)
def test_predict_restores_training_mode(observe):
    """predict leaves the model in the mode (training or eval) it was in before the call."""
    for training in MODES:
        flags = observe("predict", training=training)["training_after"]
        if not _flags_restored(flags, training):
            fail(f"The model was in {_mode(training)} mode before predict, but not after it (in every "
                 f"submodule). Remember model.training before switching to eval mode and restore it "
                 f"with model.train(was_training).")


@pytest.mark.points(6)
def test_accuracy_weights_every_sample(observe, expected):
    """evaluate_accuracy is the fraction of all samples classified right, also with an uneven last batch."""
    got, want = observe("accuracy", training=False), expected("accuracy", training=False)
    returned, right = got["returned"], want["returned"]
    if not isinstance(returned, (int, float)) or isinstance(returned, bool):
        fail(f"evaluate_accuracy should return a float, but it returned {describe(returned)}.")
    if math.isclose(returned, right, rel_tol=1e-6, abs_tol=1e-7):
        return
    correct, sizes = np.array(want["batch_correct"]), np.array(want["batch_sizes"])
    if math.isclose(returned, float((correct / sizes).mean()), rel_tol=1e-6, abs_tol=1e-7):
        fail(f"evaluate_accuracy returned {returned:.4g}, the average of the per-batch accuracies; the "
             f"last batch is smaller, so count correct samples over all batches and divide by the total "
             f"number of samples.")
    if math.isclose(returned, float(correct.sum()), rel_tol=1e-6, abs_tol=1e-7):
        fail(f"evaluate_accuracy returned {returned:.4g}, the number of samples classified right; return "
             "the fraction, that number divided by the number of samples.")
    if math.isclose(returned, 100 * right, rel_tol=1e-6, abs_tol=1e-7):
        fail(f"evaluate_accuracy returned {returned:.4g}, a percentage; return a fraction between 0 and 1.")
    fail(f"evaluate_accuracy returned {returned:.4g}, but the fraction of samples of the loader that the "
         f"model classifies right (in eval mode) is different.")


@pytest.mark.points(4)
def test_accuracy_in_eval_mode(observe):
    """evaluate_accuracy gives a model in training mode its eval-mode accuracy, then restores training mode."""
    got = observe("accuracy", training=True)
    returned, in_eval = got["returned"], observe("accuracy", training=False)["returned"]
    if not isinstance(returned, (int, float)) or isinstance(returned, bool):
        fail(f"evaluate_accuracy should return a float, but it returned {describe(returned)}.")
    if not math.isclose(returned, in_eval, rel_tol=1e-6, abs_tol=1e-7):
        fail(f"For a model with BatchNorm, evaluate_accuracy returned {in_eval:.4g} when the model was in "
             f"eval mode but {returned:.4g} when it was in training mode: switch the model to eval mode "
             f"(model.eval()) while evaluating.")
    if not _flags_restored(got["training_after"], True):
        fail("The model was in training mode before evaluate_accuracy, but not after it: restore the "
             "mode it was in (model.train(was_training)).")
