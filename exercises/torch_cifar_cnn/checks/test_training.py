"""Hidden checks: train_one_epoch updates like SGD, returns the loss per sample, and learns."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

ACCURACY_TO_REACH = 0.9


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _close(a, b, rtol=1e-4, atol=1e-6):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.points(10)
def test_epoch_updates_parameters_like_sgd(observe, expected):
    """One epoch with plain SGD, in training mode, moves the parameters exactly as a correct training loop does."""
    got, want = observe("train_epoch"), expected("train_epoch")
    params = got["parameters"]
    if _close(params, want["initial"], rtol=0, atol=0):
        fail("After train_one_epoch the model's parameters had not changed: every batch needs "
             "loss.backward() followed by optimizer.step().")
    if _close(params, want["without_zero_grad"]):
        fail("The parameters moved as in a loop that never zeroes the gradients: gradients of earlier "
             "batches were added to later ones. Call optimizer.zero_grad() (or model.zero_grad()) "
             "before each backward pass.")
    if not _close(params, want["parameters"]):
        worst = float(np.max(np.abs(params.astype(np.float64) - want["parameters"])))
        fail("After one epoch of plain SGD the parameters differ from those of a correct loop (for every "
             "batch exactly once: zero the gradients, forward, loss with the given criterion, backward, "
             f"optimizer step) by up to {worst:.3g}.")
    modes = got["training_in_forward"]
    if not all(modes):
        fail(f"The model was handed to train_one_epoch in eval mode (as after an evaluation), and "
             f"{len(modes) - sum(modes)} of its {len(modes)} forward passes ran in eval mode, where Dropout "
             "is off and BatchNorm does not learn its statistics: call model.train() at the start.")


@pytest.mark.points(5)
def test_epoch_returns_mean_loss_per_sample(observe):
    """train_one_epoch returns the mean loss per sample, weighting each batch by its size."""
    got = observe("train_epoch")
    returned = got["returned"]
    if not _is_number(returned):
        fail(f"train_one_epoch should return the epoch's mean loss as a float, but it returned "
             f"{describe(returned)}.")
    if got["returned_requires_grad"]:
        fail(f"train_one_epoch returned a {got['returned_type']} that still requires grad: the loss tensors "
             "were added up with their graphs, which keeps every batch's graph in memory. Add up "
             "loss.item() * batch size and return a Python float.")
    calls = got["criterion_calls"]
    if not calls:
        fail("train_one_epoch should compute the loss of every batch with the criterion it is given, "
             "but it never called that criterion.")
    losses = np.array([loss for loss, _ in calls])
    sizes = np.array([n for _, n in calls], dtype=np.float64)
    per_sample = float((losses * sizes).sum() / sizes.sum())
    if math.isclose(returned, per_sample, rel_tol=1e-5, abs_tol=1e-7):
        return
    if math.isclose(returned, float(losses.mean()), rel_tol=1e-5, abs_tol=1e-7):
        fail(f"train_one_epoch returned {returned:.4g}, the plain average of the batch losses; the last "
             f"batch is smaller, so weight each batch's loss by its number of samples (loss.item() * "
             f"batch size, summed, divided by the number of samples): {per_sample:.4g}.")
    if math.isclose(returned, float((losses * sizes).sum() / len(calls)), rel_tol=1e-5, abs_tol=1e-7):
        fail(f"train_one_epoch returned {returned:.4g}, the sum of (batch loss x batch size) divided by the "
             f"number of batches; divide by the number of samples instead: {per_sample:.4g}.")
    if math.isclose(returned, float((losses * sizes).sum()), rel_tol=1e-5, abs_tol=1e-7):
        fail(f"train_one_epoch returned {returned:.4g}, the total loss of the epoch; divide it by the "
             f"number of samples to get the mean per sample, {per_sample:.4g}.")
    fail(f"train_one_epoch returned {returned:.4g}, but the losses its own batches produced average "
         f"{per_sample:.4g} per sample.")


@pytest.mark.points(15)
def test_learns_an_easy_task(observe):
    """build_cnn trained for 5 epochs with train_one_epoch and Adam learns an easy 3-class task."""
    got = observe("learn")
    logits, labels = got["logits"], got["labels"]
    if not isinstance(logits, np.ndarray) or logits.shape != (labels.shape[0], 3):
        fail(f"After training, build_cnn(num_classes=3) should give one logit per class, but it gave "
             f"{describe(logits)}.")
    accuracy = float((logits.argmax(axis=1) == labels).mean())
    losses = got["losses"]
    shown = ""
    if all(_is_number(x) for x in losses):
        shown = f" The epoch losses your train_one_epoch returned: {', '.join(f'{x:.3g}' for x in losses)}."
    assert accuracy >= ACCURACY_TO_REACH, (
        f"After 5 epochs of Adam with your train_one_epoch on an easy synthetic 3-class image task, your "
        f"model reached an accuracy of {accuracy:.2f} on held-out images; at least {ACCURACY_TO_REACH} was "
        f"expected.{shown}"
    )
