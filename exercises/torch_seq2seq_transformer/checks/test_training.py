"""Hidden checks of train_model: teacher forcing, one correct step per batch, and learning.

The teacher-forcing checks give train_model a small recording model of the
probe's own (fixed weights, no dropout) and a recording SGD optimizer: 2 epochs
over 3 batches of (src (4, 5), tgt (4, 6)) with trailing PAD in tgt. Gradient
clipping, AdamW-style extras and other textbook details do not matter: each
step is judged by the direction of the gradient it used (cosine with the
gradient of the correct loss >= 0.999; the reference gives 1.0000).

The learning check trains the student's own Seq2SeqTransformer(12, 12) (d_model
32, 2+2 layers, dropout 0) with train_model and Adam (lr 5e-3) for 60 batches of
32 on a toy translation task (sort 3-6 distinct words, then EOS) and decodes 100
held-out rows greedily. Margin measured over 20 seeds (probe seed 0-19, about
1.1 s of CPU per run): the reference (min 0.98) and the correct_* submissions
(sqrt(d_model) scaling, sinusoidal or learned positions (one set initialised
at zero), pre-norm, GELU, nn.TransformerEncoder/Decoder stacks, hand-stacked
layers, seq-first with transposes, gradient clipping) reached exact-match
accuracy min 0.96, mean 0.997 over the five; the threshold is 0.8.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail, raised

BOS, PAD = 1, 0
EPOCHS = 2
EXACT_MATCH_TO_REACH = 0.8
UNDEFINED_GLOBALS = ("'num_epochs'", "'data_loader'")


def _undefined_global(observe, name):
    error = observe.error(name)
    for variable in UNDEFINED_GLOBALS:
        if raised(error, "NameError", variable):
            fail(f"train_model uses {variable}, a variable it never defines (a global of the original script): "
                 f"loop over the loader and the number of epochs that train_model receives as arguments.",
                 bug="undefined-globals")


def _shifted(tgt):
    return np.concatenate([np.full((tgt.shape[0], 1), BOS, dtype=tgt.dtype), tgt[:, :-1]], axis=1)


def _stepped_calls(got):
    """(step, model call, batch) for every optimizer step, failing on what cannot be matched."""
    steps, calls, batches = got["steps"], got["calls"], got["batches"]
    if not steps:
        fail("train_model never called optimizer.step(): every batch needs loss.backward() followed by "
             "optimizer.step().")
    matched = []
    for k, step in enumerate(steps):
        if step["last_call"] < 0:
            fail("train_model called optimizer.step() before calling the model.")
        if step["batch"] is None:
            fail("The model was called on a source batch that the loader never produced: call "
                 "model(src, decoder_input) with the batch's own src.")
        matched.append((k, calls[step["last_call"]], batches[step["batch"]]))
    return matched


@pytest.mark.points(8)
@pytest.mark.bug("no-target-shift")
@pytest.mark.bug("undefined-globals")
def test_teacher_forcing(observe, token_cross_entropy):
    """The decoder gets BOS + tgt[:, :-1] and the loss scores the logits against tgt itself."""
    _undefined_global(observe, "train_spy")
    got = observe("train_spy")
    returned = got["returned"]
    for k, call, batch in _stepped_calls(got):
        tgt, tgt_in = batch["tgt"], call["tgt_in"]
        if tgt_in.shape == tgt.shape and np.array_equal(tgt_in, tgt):
            fail("The decoder was given the target sentence itself (model(src, tgt)) and the loss compares "
                 "its output with the same tokens: with a causal mask, each position then just copies its "
                 "own input, and at translation time there is no target to copy. Feed shift_right(tgt, "
                 "bos_idx) to the decoder and score the logits against tgt.", bug="no-target-shift")
        if tgt_in.shape != tgt.shape or not np.array_equal(tgt_in, _shifted(tgt)):
            fail(f"At step {k + 1} the decoder input was not the batch's target shifted right: under teacher "
                 f"forcing it is BOS followed by the target without its last token (shift_right(tgt, bos_idx)), "
                 f"of the target's shape.")
        if isinstance(returned, list) and k < len(returned) and isinstance(returned[k], float):
            against_input = [token_cross_entropy(call["logits"], tgt_in, ignore=ignore) for ignore in (PAD, None)]
            against_target = [token_cross_entropy(call["logits"], tgt, ignore=ignore) for ignore in (PAD, None)]
            if (any(math.isclose(returned[k], x, rel_tol=1e-4, abs_tol=1e-6) for x in against_input)
                    and not any(math.isclose(returned[k], x, rel_tol=1e-4, abs_tol=1e-6) for x in against_target)):
                fail("The loss compares the logits with the decoder's own input tokens, so the model learns "
                     "to copy them. Score the logits against tgt (the decoder input is tgt shifted right).",
                     bug="no-target-shift")


@pytest.mark.points(6)
@pytest.mark.bug("undefined-globals")
def test_one_step_per_batch(observe, token_cross_entropy):
    """train_model takes one step per batch and epoch along the correct loss's gradient and returns its losses."""
    _undefined_global(observe, "train_spy")
    got = observe("train_spy")
    matched = _stepped_calls(got)
    wanted_steps = EPOCHS * len(got["batches"])
    if len(matched) != wanted_steps:
        fail(f"For {EPOCHS} epochs over a loader of {len(got['batches'])} batches, train_model should take "
             f"{wanted_steps} optimizer steps, one per batch and epoch, but it took {len(matched)}.")
    order = [step["batch"] for step in got["steps"]]
    if order != [k % len(got["batches"]) for k in range(wanted_steps)]:
        fail("train_model should step once for each batch of the loader, in the loader's order, epoch after "
             "epoch.")
    for k, step in enumerate(got["steps"]):
        cosine = step["cosine"]
        if cosine is None or not cosine >= 0.999:
            shown = "undefined" if cosine is None or not math.isfinite(cosine) else f"{cosine:.3f}"
            fail(f"At step {k + 1} the gradient the optimizer used does not point along the gradient of this "
                 f"batch's loss (cosine {shown}): zero the gradients before each backward pass, and back-"
                 f"propagate seq2seq_loss(model(src, shift_right(tgt)), tgt, pad_idx) of the batch.")
    returned = got["returned"]
    if not isinstance(returned, list) or len(returned) != wanted_steps or any(x is None for x in returned):
        fail(f"train_model should return a list with the loss of each of its {wanted_steps} steps (floats), "
             f"but it returned {describe(returned)}.")
    for k, call, batch in matched:
        want = token_cross_entropy(call["logits"], batch["tgt"], ignore=PAD)
        if not math.isclose(returned[k], want, rel_tol=1e-4, abs_tol=1e-6):
            fail(f"train_model returned {returned[k]:.4g} as the loss of step {k + 1}, but the mean cross-entropy "
                 f"of that batch's non-PAD target tokens (what seq2seq_loss returns) was {want:.4g}.")


@pytest.mark.points(8)
def test_learns_a_toy_translation(observe):
    """Seq2SeqTransformer trained with train_model learns to sort short sentences (greedy exact match >= 0.8)."""
    got = observe("learn", seed=0)
    predicted, targets = got["predicted"], got["targets"]
    if not isinstance(predicted, np.ndarray) or predicted.shape != targets.shape:
        fail(f"After training, the model's logits could not be decoded greedily ({got['problem']}).")
    eos = 2
    correct = 0
    for row, target in zip(predicted.tolist(), targets.tolist(), strict=True):
        end = target.index(eos) + 1
        correct += row[:end] == target[:end]
    accuracy = correct / len(targets)
    losses = got["losses"]
    shown = ""
    if isinstance(losses, list) and losses:
        shown = f" Your train_model's first and last losses: {losses[0]:.3g} and {losses[-1]:.3g}."
    assert accuracy >= EXACT_MATCH_TO_REACH, (
        f"After 60 training steps on a toy translation task (sort the words of the sentence), greedy "
        f"decoding with your trained model got {accuracy:.2f} of 100 held-out sentences exactly right; at "
        f"least {EXACT_MATCH_TO_REACH} was expected.{shown}"
    )
