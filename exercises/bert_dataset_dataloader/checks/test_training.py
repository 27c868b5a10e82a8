"""Hidden checks: train_epoch and predict on loaders built by the grader, and the whole pipeline end to end.

Budget of the end-to-end check, measured on a tiny BERT (hidden 32, one layer, no dropout, two
classes): make_dataloader over 12 short texts in shuffled batches of 4, then 30 train_epoch calls
with AdamW at lr 2e-3 (90 steps). Over model seeds 0-19 the reference solution and four other
correct implementations (int labels with padding="max_length" and F.cross_entropy,
DataCollatorWithPadding, batches sliced by hand, a seeded DataLoader with the plain mean of the
batch losses) reached training accuracy 1.0 on every seed, the true class ahead by at least 5.39
logits. The reference already fits all 20 seeds after 12 epochs. (With dropout 0.1 one variant
missed one text on one seed: a tiny model's train/eval gap, so the probe's model has no dropout;
training mode is checked separately.)
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised

LEARN_EPOCHS = 30


def _close(a, b, rtol=1e-4, atol=1e-6):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.points(10)
def test_train_epoch_updates_like_sgd(observe, expected):
    """One train_epoch with plain SGD moves the parameters exactly as a correct loop does (mean cross-entropy)."""
    error = observe.error("train_epoch")
    if raised(error, "AttributeError", "'NoneType' object has no attribute"):
        fail("train_epoch got no loss from the model (outputs.loss is None): the batches it is given carry "
             "'labels'; pass them to the model (model(**batch)) or compute the cross-entropy from the logits.")
    got, want = observe("train_epoch"), expected("train_epoch")
    params = got["parameters"]
    if _close(params, want["initial"], rtol=0, atol=0):
        fail("After train_epoch the model's parameters had not changed: every batch needs loss.backward() "
             "followed by optimizer.step().")
    if _close(params, want["without_zero_grad"]):
        fail("The parameters moved as in a loop that never zeroes the gradients: gradients of earlier batches "
             "were added to later ones. Call optimizer.zero_grad() before each backward pass.")
    if not _close(params, want["parameters"]):
        worst = float(np.max(np.abs(params.astype(np.float64) - want["parameters"])))
        fail(f"After one epoch of plain SGD the parameters differ from those of a correct loop (for every batch "
             f"once: zero the gradients, forward with the batch's labels, backward the batch's mean "
             f"cross-entropy, optimizer step) by up to {worst:.3g}.")


@pytest.mark.points(5)
def test_train_epoch_mode_and_loss(observe, expected):
    """train_epoch trains in training mode (the model may come in eval mode) and returns the epoch's mean loss."""
    got = observe("train_epoch")
    training = [mode for mode, grad, _ in got["calls"] if grad]
    if not training:
        fail("train_epoch never ran the model with autograd on, so it cannot have computed gradients.")
    if not all(training):
        fail("The model came in eval mode (as from_pretrained returns it) and train_epoch ran it without "
             "switching it to training mode (dropout off): call model.train() first.")
    returned, want = got["returned"], expected("train_epoch")["returned"]
    if returned is None:
        fail(f"train_epoch should return the epoch's mean loss as a float, but it returned a "
             f"{got['returned_type']}.")
    if not math.isclose(returned, want, rel_tol=1e-4, abs_tol=1e-6):
        fail(f"train_epoch returned {returned:.4g}, but the mean of the losses of the epoch's batches (two "
             f"batches of 4) is different: return the average of loss.item() over the epoch.")


@pytest.mark.points(10)
def test_predict_in_eval_mode_without_grad(observe):
    """predict returns the eval-mode class of every example, in order, without autograd (batches hold labels too)."""
    got = observe("predict")
    calls = got["calls"]
    if not calls:
        fail("predict never called the model it was given.")
    if any(mode for mode, _, _ in calls):
        fail("predict ran the model in training mode, so dropout changed its answers: call model.eval() first.")
    if any(grad for _, grad, _ in calls):
        fail("predict ran the model with autograd on, building a graph it never uses: wrap it in "
             "`with torch.no_grad():`.")
    first, second = got["first"]["values"], got["second"]["values"]
    want = got["classes"].tolist()
    if first is None:
        fail(f"predict should return a list of class ids (one int per example: the argmax of its logits), but it "
             f"returned a {got['first']['type']} that is not a list of numbers.")
    if len(first) != len(want):
        fail(f"For a loader of {len(want)} examples (batches of 4, 4 and 2) predict should return {len(want)} "
             f"class ids, but it returned {len(first)}.")
    if [int(v) for v in first] != want or first != second:
        fail("predict did not return the argmax of the model's eval-mode logits for every example, in the "
             "loader's order.")


@pytest.mark.points(15)
@pytest.mark.bug("dataloader-positional-misuse")
@pytest.mark.bug("dataloader-over-batchencoding")
@pytest.mark.bug("labels-not-in-batch")
def test_pipeline_learns(observe):
    """make_dataloader + train_epoch fine-tune a tiny BERT to fit 12 short texts (training accuracy 1.0)."""
    error = observe.error("learn", seed=0)
    labels_as_batch_size = raised(error, "ValueError", "batch_size should be a positive integer value") and (
        "batch_size=tensor(" in error.message or "batch_size=[" in error.message)
    if raised(error, "TypeError", "multiple values for argument 'batch_size'") or labels_as_batch_size:
        fail("make_dataloader passes the labels as DataLoader's second positional argument, which is batch_size. "
             "Put the labels into the dataset's items and call DataLoader(dataset, batch_size=batch_size).",
             bug="dataloader-positional-misuse")
    if raised(error, "TypeError", "Encoding"):
        fail("The DataLoader iterates over the tokenizer's BatchEncoding, whose items are tokenizers.Encoding "
             "objects that cannot be batched: batch an EncodedDataset instead.", bug="dataloader-over-batchencoding")
    if raised(error, "AttributeError", "'NoneType' object has no attribute 'backward'"):
        fail("Training on your make_dataloader's batches gave outputs.loss = None: the labels never reached the "
             "model. Put each label into its dataset item under 'labels'.", bug="labels-not-in-batch")
    got = observe("learn", seed=0)
    logits, labels = got["logits"], got["labels"]
    accuracy = float((logits.argmax(axis=-1) == labels).mean())
    losses = got["losses"]
    shown = ""
    if all(isinstance(x, float) for x in losses):
        shown = f" Your train_epoch returned losses from {losses[0]:.3g} down to {losses[-1]:.3g}."
    if accuracy < 1.0:
        fail(f"After {LEARN_EPOCHS} epochs of train_epoch over your make_dataloader (shuffled batches of 4, AdamW "
             f"at lr 2e-3) a tiny BERT classified {accuracy:.0%} of its 12 training texts right; a correct "
             f"pipeline fits all of them.{shown}")


@pytest.mark.points(10)
@pytest.mark.bug("lr-too-high")
def test_default_lr_fits_fine_tuning(observe):
    """DEFAULT_LR is a learning rate for fine-tuning a pretrained BERT with Adam/AdamW (at most 1e-4)."""
    got = observe("default_lr")
    value = got["value"]
    if value is None:
        fail(f"DEFAULT_LR should be a number (a learning rate), but it is a {got['type']}.")
    if value > 1e-4:
        fail(f"DEFAULT_LR is {value:g}: Adam at such a rate overwrites what a pretrained BERT knows within a few "
             f"hundred steps and often diverges. Fine-tuning uses about 2e-5 to 5e-5 (at most 1e-4).",
             bug="lr-too-high")
    if not value >= 1e-6:
        fail(f"DEFAULT_LR is {describe(value)}: a learning rate for fine-tuning should be positive and not "
             f"vanishingly small (about 2e-5 to 5e-5).")
