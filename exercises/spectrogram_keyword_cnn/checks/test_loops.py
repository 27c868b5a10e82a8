"""Hidden checks of train_epoch and evaluate: exact SGD updates, mean loss per sample, exact accuracy.

The known bug undefined-globals is named only on its symptom: the code raised
NameError for one of the snippet's undefined globals (num_epochs,
train_loader, test_loader), at import or inside train_epoch / evaluate. The
loops must use the loader they are given. Every other failure names no bug.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised

SNIPPET_GLOBALS = ("num_epochs", "train_loader", "test_loader")
MODES = (True, False)


def _undefined_global(observe, name, **case):
    """Fail naming undefined-globals if the probe raised NameError for one of the snippet's globals."""
    error = observe.error(name, **case)
    for variable in SNIPPET_GLOBALS:
        if raised(error, "NameError", f"'{variable}'"):
            fail(f"Your code raised NameError ({error.message}). Like the snippet, it uses a global it never "
                 "defines (num_epochs, train_loader, test_loader): train_epoch and evaluate must work on the "
                 "loader (and model, optimizer, criterion) they are given.",
                 bug="undefined-globals")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _close(a, b, rtol=1e-4, atol=1e-6):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def _mode(training):
    return "training" if training else "eval"


@pytest.mark.points(10)
@pytest.mark.bug("undefined-globals")
def test_epoch_updates_like_sgd(observe, expected):
    """One train_epoch with plain SGD moves the parameters exactly as a correct loop does (in training mode)."""
    _undefined_global(observe, "train_epoch")
    got, want = observe("train_epoch"), expected("train_epoch")
    params = got["parameters"]
    if _close(params, want["initial"], rtol=0, atol=0):
        fail("After train_epoch the model's parameters had not changed: every batch needs loss.backward() "
             "followed by optimizer.step().")
    if _close(params, want["without_zero_grad"]):
        fail("The parameters moved as in a loop that never zeroes the gradients: gradients of earlier batches "
             "were added to later ones. Call optimizer.zero_grad() before each backward pass.")
    if _close(params, want["in_eval_mode"]):
        fail("The parameters moved as in a loop that trains a model left in eval mode (its BatchNorm used "
             "running statistics): call model.train() at the start of train_epoch.")
    if not _close(params, want["parameters"]):
        worst = float(np.max(np.abs(params.astype(np.float64) - want["parameters"])))
        fail("After one epoch of plain SGD the parameters differ from those of a correct loop (training mode; "
             "for every batch exactly once: zero the gradients, forward, the given criterion, backward, "
             f"optimizer step) by up to {worst:.3g}.")


@pytest.mark.points(5)
@pytest.mark.bug("undefined-globals")
def test_epoch_returns_mean_loss_per_sample(observe):
    """train_epoch returns the mean loss per sample, weighting each batch by its size."""
    _undefined_global(observe, "train_epoch")
    got = observe("train_epoch")
    returned = got["returned"]
    if not _is_number(returned):
        fail(f"train_epoch should return the epoch's mean loss as a float, but it returned {describe(returned)}.")
    calls = got["criterion_calls"]
    if not calls:
        fail("train_epoch should compute the loss of every batch with the criterion it is given, but it never "
             "called that criterion.")
    losses = np.array([loss for loss, _ in calls])
    sizes = np.array([n for _, n in calls], dtype=np.float64)
    per_sample = float((losses * sizes).sum() / sizes.sum())
    if math.isclose(returned, per_sample, rel_tol=1e-5, abs_tol=1e-7):
        return
    if math.isclose(returned, float(losses.mean()), rel_tol=1e-5, abs_tol=1e-7):
        fail(f"train_epoch returned {returned:.4g}, the plain average of the batch losses; the last batch is "
             "smaller, so weight each batch's loss by its number of samples (loss.item() * batch size, summed, "
             f"divided by the number of samples): {per_sample:.4g}.")
    if math.isclose(returned, float((losses * sizes).sum()), rel_tol=1e-5, abs_tol=1e-7) or \
            math.isclose(returned, float(losses.sum()), rel_tol=1e-5, abs_tol=1e-7):
        fail(f"train_epoch returned {returned:.4g}, a total; divide by the number of samples to get the mean "
             f"loss per sample, {per_sample:.4g}.")
    fail(f"train_epoch returned {returned:.4g}, but the losses of its own batches average {per_sample:.4g} per "
         "sample.")


@pytest.mark.points(10)
@pytest.mark.bug("undefined-globals")
def test_evaluate_counts_every_sample(observe, expected):
    """evaluate returns the fraction of all samples classified right, also with an uneven last batch."""
    _undefined_global(observe, "evaluate", training=False)
    got, want = observe("evaluate", training=False), expected("evaluate", training=False)
    returned, right = got["returned"], want["returned"]
    if not _is_number(returned):
        fail(f"evaluate should return the accuracy as a float, but it returned {describe(returned)}.")
    if math.isclose(returned, right, rel_tol=1e-6, abs_tol=1e-7):
        return
    correct, sizes = np.array(want["batch_correct"]), np.array(want["batch_sizes"])
    if math.isclose(returned, float((correct / sizes).mean()), rel_tol=1e-6, abs_tol=1e-7):
        fail(f"evaluate returned {returned:.4g}, the average of the per-batch accuracies; the last batch is "
             "smaller, so count the right predictions over all batches and divide by the number of samples.")
    if math.isclose(returned, float(correct.sum()), rel_tol=1e-6, abs_tol=1e-7) and returned != right:
        fail(f"evaluate returned {returned:.4g}, the number of right predictions; divide it by the number of "
             "samples to return the accuracy as a fraction between 0 and 1.")
    if math.isclose(returned, 100 * right, rel_tol=1e-6, abs_tol=1e-7):
        fail(f"evaluate returned {returned:.4g}, a percentage; return a fraction between 0 and 1.")
    fail(f"evaluate returned {returned:.4g}, but the fraction of the loader's samples that the model "
         "classifies right (in eval mode) is different.")


@pytest.mark.points(5)
@pytest.mark.bug("undefined-globals")
def test_evaluate_in_eval_mode_without_autograd(observe):
    """evaluate runs the model in eval mode with autograd off and leaves it in the mode it was in."""
    for training in MODES:
        _undefined_global(observe, "evaluate", training=training)
    in_eval = observe("evaluate", training=False)["returned"]
    for training in MODES:
        got = observe("evaluate", training=training)
        returned, seen = got["returned"], got["grad_enabled_in_forward"]
        if not seen:
            fail("evaluate should run the model it is given on the loader's batches, but the model was never "
                 "called.")
        if any(seen):
            fail("evaluate ran the model with autograd on, building gradient graphs it never uses: wrap the "
                 "evaluation in `with torch.no_grad():`.")
        if training and _is_number(returned) and _is_number(in_eval) and \
                not math.isclose(returned, in_eval, rel_tol=1e-6, abs_tol=1e-7):
            fail(f"For a model with BatchNorm, evaluate returned {in_eval:.4g} when the model was in eval mode "
                 f"but {returned:.4g} when it was in training mode: switch the model to eval mode "
                 "(model.eval()) while evaluating.")
        flags = got["training_after"]
        if not flags or not all(flag == training for flag in flags):
            fail(f"The model was in {_mode(training)} mode before evaluate, but not (in every submodule) after "
                 "it: remember model.training and restore it with model.train(was_training).")
