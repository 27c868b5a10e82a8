"""Hidden checks: make_batch (padding, labels from the targets, -100 on label padding) and its inputs.

The judge compares each row with that text's own token ids (from the same
tokenizer, which appends ``</s>``), so padding to the longest text or to a
fixed length, right or left, are all accepted.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

PAD = 0


def _uneven(observe, bug=None):
    """The uneven batch; a failure (naming ``bug``, if given) when the tokenizer refused to make tensors."""
    error = observe.error("batch", case="uneven")
    if raised(error, "ValueError", "padding"):
        fail("make_batch raised ValueError on texts of different lengths: a batch of tensors needs equal "
             "lengths, so tokenise with padding=True (and return_tensors='pt').", bug=bug)
    got = observe("batch", case="uneven")
    if got["kind"] != "dict":
        fail(f"make_batch should return a dict, but it returned a {got['kind']}.")
    for key in ("input_ids", "attention_mask", "labels"):
        if not isinstance(got.get(key), np.ndarray) or got[key].ndim != 2 or got[key].shape[0] != 3:
            fail(f"make_batch's '{key}' should be a 2-D tensor with one row per pair (3), but it was "
                 f"{describe(got.get(key))}.")
    return got


def _real(row, keep):
    return [int(x) for x, k in zip(row, keep, strict=True) if k]


@pytest.mark.points(10)
@pytest.mark.bug("no-padding-uneven-batch")
def test_uneven_lengths_are_padded(observe):
    """make_batch accepts sources and targets of different lengths (padding them to a common length)."""
    got = _uneven(observe, bug="no-padding-uneven-batch")
    if got["input_ids"].shape != got["attention_mask"].shape:
        fail("input_ids and attention_mask should have the same shape.")


@pytest.mark.points(5)
def test_inputs_encode_sources(observe):
    """input_ids hold each source's token ids, with attention_mask 1 on them and 0 on the padding."""
    got = _uneven(observe)
    ids, mask = got["input_ids"], got["attention_mask"]
    if np.all(mask == 1) and np.any(ids == PAD):
        fail("attention_mask is 1 everywhere, also on the padding of the shorter sources: it must be 0 there, "
             "so that the model ignores the padding (use the tokenizer's attention_mask).")
    for row, row_mask, want in zip(ids, mask, got["source_ids"], strict=True):
        if set(np.unique(row_mask).tolist()) - {0, 1}:
            fail(f"attention_mask should hold only 0 and 1, but it holds {describe(row_mask)}.")
        if _real(row, row_mask == 1) != want:
            fail("The tokens of input_ids where attention_mask is 1 are not the source text's token ids (as the "
                 "tokenizer encodes it, with </s>): tokenise the sources, in order.")
        if np.any(row[row_mask == 0] != PAD):
            fail("Where attention_mask is 0, input_ids should hold the pad token.")


@pytest.mark.points(10)
@pytest.mark.bug("labels-are-source")
def test_labels_are_targets(observe):
    """The labels of each pair are its target's token ids (not the source's)."""
    for case in ("equal", "uneven"):  # pairs of equal lengths first: they need no padding at all
        got = observe("batch", case=case) if case == "equal" else _uneven(observe)
        labels = got.get("labels") if got["kind"] == "dict" else None
        if not isinstance(labels, np.ndarray) or labels.ndim != 2:
            fail(f"make_batch should return a dict with a 2-D labels tensor, but its labels were "
                 f"{describe(labels)}.")
        real = [_real(row, (row != -100) & (row != PAD)) for row in labels]
        if real == got["target_ids"]:
            continue
        if real == got["source_ids"]:
            fail("make_batch's labels are the source sentences' ids: the model would learn to copy its input. "
                 "The labels must be the tokenised targets (tokenizer(..., text_target=targets)).",
                 bug="labels-are-source")
        fail("make_batch's labels (without -100 and padding) are not the target sentences' token ids, in order.")


@pytest.mark.points(10)
@pytest.mark.bug("labels-pad-not-masked")
def test_label_padding_is_ignored(observe):
    """Label positions that are padding hold -100, so that the loss ignores them."""
    got = _uneven(observe)
    labels = got["labels"]
    if labels.dtype.kind not in "iu":
        fail(f"labels should be integer token ids, but they are {describe(labels)}.")
    if np.any(labels == PAD):
        fail("make_batch's labels contain the pad token id where a target is shorter than the longest one: the "
             "loss would train the model to predict padding. Set padded label positions to -100, the index the "
             "cross-entropy ignores.", bug="labels-pad-not-masked")
    for row in labels:
        real = np.flatnonzero(row != -100)
        if real.size and np.any(row[real.min():real.max() + 1] == -100):
            fail("make_batch's labels have -100 between real tokens; only padding positions should be -100.")
    if not np.any(labels == -100):
        fail("make_batch's labels hold no -100 although the targets have different lengths: pad them and set "
             "the padding to -100.")
