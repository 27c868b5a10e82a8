"""Hidden checks: BertClassifier's logits and loss, batch_to_inputs, freezing, and learning a toy task.

Budget of the learning check, measured on a tiny BertModel (hidden 32, one layer, no dropout in
the probe) and 16 two-class Chinese texts in shuffled batches of 4: fine_tune for 25 epochs at
lr 2e-3 (100 steps). Over model seeds 0-19 the reference solution (pooler head, AdamW) and four
other correct implementations (a masked mean-pooled head with Adam and the loss computed from the
logits in fine_tune, a [CLS]-token head with a hidden layer returning a SequenceClassifierOutput,
the snippet's loop shape with Adam, a frozen-encoder-in-eval variant with clipping and a decaying
learning rate) reached training accuracy 1.0 on every seed, the true class ahead by at least 3.8
logits. The reference already fits all 20 seeds after 15 epochs.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

CASES = (3, 2)


def _forward(observe, num_labels, labels):
    got = observe("forward", num_labels=num_labels, labels=labels)
    if not got["mapping"]:
        fail(f"BertClassifier's forward should return a dict with 'loss' and 'logits', but it returned a "
             f"{got['type']}.")
    if "logits" not in got["keys"]:
        fail(f"BertClassifier's forward should return a dict with 'logits', but its keys are {got['keys']}.")
    return got


def _looks_like_hidden_states(value, got):
    """An encoder output where a classifier output belongs: (B, T, H) hidden states or (B, H) pooled ones."""
    hidden_shape = got["hidden_shape"]
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        return False
    return list(value.shape) == hidden_shape or (value.ndim == 2 and value.shape[-1] == hidden_shape[-1])


@pytest.mark.points(10)
@pytest.mark.bug("no-labels-no-head")
def test_logits_have_one_column_per_class(observe):
    """BertClassifier(encoder, num_labels) gives logits of shape (batch, num_labels)."""
    for num_labels in CASES:
        got = _forward(observe, num_labels, labels=False)
        logits = got["logits"]
        if _looks_like_hidden_states(logits, got) and (logits.ndim == 3 or logits.shape[-1] != num_labels):
            fail(f"For num_labels={num_labels} the 'logits' have shape {tuple(logits.shape)}: that is the "
                 f"encoder's output (hidden size {got['hidden_shape'][-1]}), not one score per class. Add a "
                 f"classification head, e.g. nn.Linear(encoder.config.hidden_size, num_labels), on the pooled "
                 f"output.", bug="no-labels-no-head")
        want = (4, num_labels)
        if not isinstance(logits, np.ndarray) or logits.shape != want:
            fail(f"For a batch of 4 texts and num_labels={num_labels}, 'logits' should have shape {want}, but it "
                 f"is {describe(logits)}.")
        if logits.dtype.kind != "f" or not np.isfinite(logits).all():
            fail(f"The logits should be finite floats, but they are {describe(logits)}.")


@pytest.mark.points(15)
@pytest.mark.bug("hidden-state-as-loss")
@pytest.mark.bug("no-labels-no-head")
def test_loss_is_cross_entropy_of_logits(observe):
    """With labels, forward's 'loss' is the scalar cross-entropy of its logits; without labels it is None."""
    for num_labels in CASES:
        got = _forward(observe, num_labels, labels=True)
        loss = got["loss"]
        if loss is None:
            fail("forward was given labels but returned loss None: the labels were ignored. Compute "
                 "F.cross_entropy(logits, labels) when labels are given.", bug="no-labels-no-head")
        if isinstance(loss, np.ndarray) and loss.dtype.kind == "f":
            if list(loss.shape) == got["hidden_shape"] or loss.ndim == 3:
                fail(f"The 'loss' has shape {tuple(loss.shape)}: it is the encoder's last hidden state "
                     f"(outputs[0] of a BertModel), not a loss. BertModel computes no loss; compute "
                     f"F.cross_entropy(logits, labels) on the head's logits.", bug="hidden-state-as-loss")
            if loss.size == 1 and any(math.isclose(float(loss.reshape(-1)[0]), got[k], rel_tol=1e-4, abs_tol=1e-6)
                                      for k in ("hidden_mean", "hidden_sum")):
                fail("The 'loss' is the mean (or sum) of the encoder's last hidden state, which does not depend on "
                     "the labels: compute F.cross_entropy(logits, labels) instead.", bug="hidden-state-as-loss")
        if not isinstance(loss, np.ndarray) or loss.size != 1 or loss.ndim > 1:
            fail(f"With labels, 'loss' should be a scalar tensor (the mean cross-entropy over the batch), but it is "
                 f"{describe(loss)}.")
        want = got["cross_entropy"]
        if want is None:
            fail("The loss cannot be right while the logits do not have one column per class (see the logits "
                 "check).")
        if not math.isclose(float(loss.reshape(-1)[0]), want, rel_tol=1e-4, abs_tol=1e-5):
            fail(f"With labels, 'loss' was {float(loss.reshape(-1)[0]):.6g}, but the mean cross-entropy of your own "
                 f"logits with those labels is {want:.6g}: use F.cross_entropy(logits, labels) on the raw logits "
                 f"(it applies the softmax itself).")
        without = _forward(observe, num_labels, labels=False)
        if without["loss"] is not None:
            fail(f"Called without labels, forward should return loss None, but it returned "
                 f"{describe(without['loss'])}.")


@pytest.mark.points(10)
@pytest.mark.bug("double-star-on-list")
def test_batch_to_inputs_handles_lists_and_dicts(observe):
    """batch_to_inputs turns a TensorDataset batch (a list, with labels) or a dict into keyword arguments."""
    for form, names in (("list", ("input_ids", "attention_mask", "labels")),
                        ("dict", ("input_ids", "attention_mask", "labels"))):
        got = observe("batch_to_inputs", form=form)
        if not got["mapping"]:
            fail(f"Given a DataLoader batch (a {form}), batch_to_inputs returned a {got['type']}, not a dict: "
                 f"model(**batch) needs a mapping ('argument after ** must be a mapping, not list'). Name the "
                 f"tensors: {{'input_ids': batch[0], 'attention_mask': batch[1], 'labels': batch[2]}}.",
                 bug="double-star-on-list" if got["type"] in ("list", "tuple") else None)
        fields = got["fields"]
        if sorted(fields) != sorted(names):
            fail(f"For a {form} batch of (input_ids, attention_mask, labels) batch_to_inputs should return the keys "
                 f"{list(names)}, but it returned {sorted(fields)}.")
        for name in names:
            if not isinstance(fields[name], np.ndarray) or not np.array_equal(fields[name], got[name]):
                fail(f"batch_to_inputs returned something else than the batch's {name} under '{name}' "
                     f"({describe(fields[name])}).")


@pytest.mark.points(10)
def test_freeze_encoder_trains_only_the_head(observe):
    """With freeze_encoder=True, fine_tune leaves the encoder's weights unchanged and trains the head."""
    got = observe("freeze")
    if not got["head_parameters"]:
        fail("BertClassifier has no parameters besides the encoder's: it needs its own classification head.")
    if got["encoder_change"] > 0:
        fail(f"With freeze_encoder=True the encoder's weights still moved (by up to {got['encoder_change']:.3g}) "
             f"during fine_tune: set requires_grad=False on every encoder parameter.")
    if not got["head_change"] > 0:
        fail("With freeze_encoder=True, fine_tune did not change the head's weights: only the encoder should be "
             "frozen.")


@pytest.mark.points(10)
def test_learns_toy_task(observe):
    """BertClassifier trained with fine_tune fits 16 short two-class texts (training accuracy 1.0)."""
    got = observe("learn", seed=0)
    logits, labels = got["logits"], got["labels"]
    if not isinstance(logits, np.ndarray) or logits.shape != (labels.shape[0], 2):
        fail(f"After training, BertClassifier(encoder, 2) should give (16, 2) logits, but it gave {describe(logits)}.")
    accuracy = float((logits.argmax(axis=-1) == labels).mean())
    losses = got["losses"]
    shown = ""
    if losses and all(isinstance(x, float) for x in losses):
        shown = f" Your fine_tune returned epoch losses from {losses[0]:.3g} down to {losses[-1]:.3g}."
    if accuracy < 1.0:
        fail(f"After fine_tune (25 epochs, lr 2e-3, batches of 4) your classifier got {accuracy:.0%} of its 16 "
             f"training texts right; a correct head and loop fit all of them.{shown}")
