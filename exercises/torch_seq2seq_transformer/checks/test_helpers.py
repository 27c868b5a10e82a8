"""Hidden checks of the helpers: causal_mask, shift_right, seq2seq_loss, greedy_decode."""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised

EOS = 2
LOSS_CASES = [(5, 7, 0), (6, 6, 0), (5, 7, 3)]


# ---------------------------------------------------------------- causal_mask


@pytest.mark.points(4)
def test_causal_mask(observe):
    """causal_mask(T) blocks exactly the positions j > i (bool True, or float -inf, there)."""
    for size in (1, 4, 7):
        mask = observe("causal_mask", size=size)
        if not isinstance(mask, np.ndarray) or mask.shape != (size, size):
            fail(f"causal_mask({size}) should be a ({size}, {size}) tensor, but it was {describe(mask)}.")
        future = np.triu(np.ones((size, size), dtype=bool), k=1)
        if mask.dtype == np.bool_:
            if not np.array_equal(mask, future):
                fail(f"causal_mask({size}) as a bool mask should be True exactly where j > i (True means "
                     f"'may not attend', as nn.Transformer reads it), but it was {describe(mask)}.")
            continue
        if mask.dtype.kind != "f":
            fail(f"causal_mask({size}) should be a bool or float mask, but it has dtype {mask.dtype}.")
        values = mask.astype(np.float64)
        blocked = np.isneginf(values) | (values <= -1e9)
        if not (np.all(blocked[future]) and np.all(values[~future] == 0)):
            fail(f"causal_mask({size}) as a float mask should be -inf where j > i and 0 elsewhere (it is added "
                 f"to the attention scores), but it was {describe(mask)}.")


# ---------------------------------------------------------------- shift_right


@pytest.mark.points(5)
def test_shift_right(observe, expected):
    """shift_right puts BOS first and drops the last token, keeping the shape; its input is unchanged."""
    for bos_idx in (1, 9):
        got, want = observe("shift_right", bos_idx=bos_idx), expected("shift_right", bos_idx=bos_idx)
        shifted, reference = got["shifted"], want["shifted"]
        if not isinstance(shifted, np.ndarray) or shifted.shape != reference.shape:
            fail(f"shift_right on a (3, 5) batch should return a (3, 5) tensor, but it returned "
                 f"{describe(shifted)}.")
        if shifted.dtype.kind not in "iu":
            fail(f"shift_right should return integer token ids, but it returned {describe(shifted)}.")
        if not np.array_equal(got["input_after"], got["input_before"]):
            fail("shift_right changed the tensor it was given: return a new tensor and leave the targets as "
                 "they are (they are the loss's targets).")
        if not np.array_equal(shifted[:, 0], reference[:, 0]):
            fail(f"With bos_idx={bos_idx}, every row of shift_right's result should start with {bos_idx}, but "
                 f"the first column was {describe(shifted[:, 0])}.")
        if not np.array_equal(shifted, reference):
            fail("After BOS, each row of shift_right's result should be the row of tgt without its last token "
                 "(tgt[:, :-1]).")


# ---------------------------------------------------------------- seq2seq_loss


def _loss_value(got, tgt_len, vocab, pad_idx):
    value = got["value"]
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind == "f":
        return float(value.reshape(()))
    if isinstance(value, float):
        return value
    fail(f"seq2seq_loss on ({2}, {tgt_len}, {vocab}) logits should return a scalar tensor, but it returned "
         f"{describe(value)}.")


@pytest.mark.points(10)
@pytest.mark.bug("ce-unflattened")
def test_loss_is_per_token(observe, token_cross_entropy):
    """seq2seq_loss is the cross-entropy of every token over the vocabulary, as a differentiable scalar."""
    for tgt_len, vocab, pad_idx in LOSS_CASES:
        case = {"tgt_len": tgt_len, "vocab": vocab, "pad_idx": pad_idx}
        if raised(observe.error("loss", **case), "RuntimeError", "Expected target size"):
            fail(f"seq2seq_loss raised '{observe.error('loss', **case).message[:90]}...': CrossEntropyLoss "
                 f"reads dimension 1 of (B, T, V) logits as the classes. Flatten first: "
                 f"logits.reshape(-1, V) against tgt_out.reshape(-1).", bug="ce-unflattened")
        got = observe("loss", **case)
        value = _loss_value(got, tgt_len, vocab, pad_idx)
        logits, targets = got["logits"], got["targets"]
        accepted = [token_cross_entropy(logits, targets, ignore=pad_idx), token_cross_entropy(logits, targets)]
        if any(math.isclose(value, want, rel_tol=1e-4, abs_tol=1e-6) for want in accepted):
            if not got["differentiable"]:
                fail("seq2seq_loss should return a tensor that can be back-propagated (computed from the "
                     "logits with torch operations), but its result has no gradient.")
            continue
        time_as_classes = np.swapaxes(logits, 1, 2)  # what CrossEntropyLoss does with unflattened (B, T, V) input
        if tgt_len == vocab and any(
            math.isclose(value, token_cross_entropy(time_as_classes, targets, ignore=ignore),
                         rel_tol=1e-4, abs_tol=1e-6) for ignore in (pad_idx, None)):
            fail("When T equals the vocabulary size, seq2seq_loss ran but took the time axis for the classes: "
                 "CrossEntropyLoss reads dimension 1 of (B, T, V) logits as the classes. Flatten first: "
                 "logits.reshape(-1, V) against tgt_out.reshape(-1).", bug="ce-unflattened")
        fail(f"seq2seq_loss returned {value:.4g}, but the mean cross-entropy of the target tokens under the "
             f"logits (softmax over the vocabulary) is {accepted[0]:.4g}.")


@pytest.mark.points(4)
@pytest.mark.bug("no-padding-mask")
def test_loss_ignores_padding(observe, token_cross_entropy):
    """seq2seq_loss averages over the non-PAD target tokens only."""
    for tgt_len, vocab, pad_idx in (LOSS_CASES[0], LOSS_CASES[2]):
        got = observe("loss", tgt_len=tgt_len, vocab=vocab, pad_idx=pad_idx)
        value = _loss_value(got, tgt_len, vocab, pad_idx)
        targets = got["targets"]
        real = int((targets != pad_idx).sum())
        want = token_cross_entropy(got["logits"], targets, ignore=pad_idx)
        if any(math.isclose(value, x, rel_tol=1e-4, abs_tol=1e-6) for x in (want, want * real)):
            continue  # PAD is ignored (a sum instead of a mean is judged by test_loss_is_per_token)
        with_pad = token_cross_entropy(got["logits"], targets)
        counted = any(math.isclose(value, x, rel_tol=1e-4, abs_tol=1e-6) for x in (with_pad, with_pad * targets.size))
        if counted and pad_idx == 0:
            fail(f"seq2seq_loss returned {value:.4g}, a loss over all target positions including PAD; PAD "
                 f"positions are not words and must not count: use ignore_index=pad_idx.", bug="no-padding-mask")
        if counted or pad_idx != 0:
            fail(f"With pad_idx={pad_idx}, seq2seq_loss returned {value:.4g}, but the mean cross-entropy over the "
                 f"tokens that are not pad_idx is {want:.4g}: ignore exactly the pad_idx it is given.")
        fail(f"seq2seq_loss returned {value:.4g}, but the mean cross-entropy over the non-PAD target tokens is "
             f"{want:.4g}.")


# ---------------------------------------------------------------- greedy_decode


def _until_eos(row):
    return row[: row.index(EOS)] if EOS in row else row


@pytest.mark.points(6)
def test_greedy_decode(observe, expected):
    """greedy_decode appends the argmax token at the last position, row by row, until EOS or max_len."""
    for max_len in (7, 3):
        rows, want = observe("greedy", max_len=max_len), expected("greedy", max_len=max_len)
        if isinstance(rows, np.ndarray):
            rows = rows.tolist()
        if not isinstance(rows, list) or len(rows) != len(want):
            fail(f"greedy_decode on {len(want)} source rows should return one list of token ids per row, but "
                 f"it returned {describe(rows)}.")
        for i, (row, reference) in enumerate(zip(rows, want, strict=True)):
            if not isinstance(row, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in row):
                fail(f"Row {i} of greedy_decode's result should be a list of ints, but it was {describe(row)}.")
            if row[:1] == [1] and reference[:1] != [1]:
                fail("greedy_decode's rows should hold the generated tokens only, without the leading BOS.")
            if len(_until_eos(row)) > max_len:
                fail(f"With max_len={max_len}, greedy_decode generated more than {max_len} tokens for row {i}.")
            if _until_eos(row) != _until_eos(reference):
                fail(f"Row {i} of greedy_decode's result (max_len={max_len}) is not the greedy translation: at "
                     f"each step append the argmax of the logits at the last position, feed the longer "
                     f"prefix back in, and stop at EOS or after max_len tokens.")
