"""Hidden checks: training features point at the answer's tokens, and train_qa really fine-tunes the model.

Margins (``learn`` probe run for 20 seeds of data and model with
/tmp scratch sweeps, on this machine): the reference solution and the four
correct test submissions (AdamW or Adam, shuffled or ordered batches, padding
per batch / to the longest / by a DataCollatorWithPadding, the loss from the
model's labels or from cross-entropy on the logits, ``model.zero_grad()``)
answered 32/32 held-out questions on every seed, and their last epoch loss was
at most 0.16% of the first. The check asks for 28/32 and a last loss below half
the first.
"""

import pytest

from grader.checking import describe, fail, raised

HITS_TO_REACH = 28


@pytest.mark.points(10)
def test_train_features_positions(observe, expected):
    """prepare_train_features gives the pair's token ids and the answer's first and last context token."""
    for case in ("one_word", "paris", "gustave"):
        got, want = observe("features", case=case), expected("features", case=case)
        if got["kind"] != "dict":
            fail(f"prepare_train_features should return a dict, but it returned a {got['kind']}.")
        missing = {"input_ids", "start_positions", "end_positions"} - set(got["keys"])
        if missing:
            fail(f"prepare_train_features's dict lacks {sorted(missing)}; it had {got['keys']}.")
        ids, mask = got["input_ids"], got["attention_mask"]
        real = ids if mask is None or len(mask) != len(ids) else [t for t, m in zip(ids, mask, strict=True) if m]
        if real != want["input_ids"]:
            fail("prepare_train_features's input_ids are not the tokenizer's encoding of the (question, "
                 "context) pair, question first.")
        start, end = got["start_positions"], got["end_positions"]
        for name, value in (("start_positions", start), ("end_positions", end)):
            if not isinstance(value, int) or isinstance(value, bool):
                fail(f"prepare_train_features's {name} should be one token index (int), but it was "
                     f"{describe(value)}.")
        if (start, end) != (want["start_positions"], want["end_positions"]):
            if start == want["start_positions"] and end == want["end_positions"] + 1:
                fail("prepare_train_features's end_positions is one past the answer's last token: it must be "
                     "the index of the last answer token (inclusive), as the model's loss expects.")
            fail(f"prepare_train_features marks tokens {start}..{end} as the answer, but the answer's characters "
                 "are covered by other context tokens: find them with the offset mapping and sequence_ids() "
                 "(only tokens of sequence 1, the context).")


@pytest.mark.points(10)
@pytest.mark.bug("fake-training-api")
def test_train_qa_learns(observe):
    """train_qa fine-tunes the given model: after 10 epochs it finds the answers of held-out questions."""
    error = observe.error("learn", seed=0)
    if raised(error, "AttributeError", "TrainingExample"):
        fail("train_qa uses transformers.TrainingExample, which does not exist (nor ever did): build the "
             "start/end token labels yourself and train with an optimizer loop (or transformers.Trainer).",
             bug="fake-training-api")
    if raised(error, "NameError", "'trainer'") or raised(error, "ModuleNotFoundError", "Tra"):
        fail("train_qa calls a trainer that is never built (the snippet's 'Traninng.py' is not a real "
             "tool): write the training loop (or build a transformers.Trainer) yourself.",
             bug="fake-training-api")
    got = observe("learn", seed=0)
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != 10 or not all(isinstance(x, float) for x in losses):
        fail(f"train_qa(epochs=10) should return the 10 mean epoch losses as floats, but it returned "
             f"{describe(losses)}.")
    if got["parameter_change"] == 0.0:
        fail("After train_qa the model's parameters had not changed: train the model you are given, in place "
             "(backward and an optimizer step for every batch).")
    hits = sum(got["hits"])
    if not losses[-1] < 0.5 * losses[0]:
        fail(f"train_qa's epoch losses did not fall (first {losses[0]:.3g}, last {losses[-1]:.3g}) on an easy "
             "task; every batch needs zero_grad, the QA loss, backward and an optimizer step at the given lr.")
    if hits < HITS_TO_REACH:
        fail(f"After train_qa the model found the exact answer span of {hits} of {len(got['hits'])} held-out "
             f"questions; at least {HITS_TO_REACH} were expected on this easy task. Check the start/end "
             "positions you train on (prepare_train_features) and the loss (start and end cross-entropy).")
