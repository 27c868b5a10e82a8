"""Hidden checks: translate (one string per input, padding-proof, forced language code) and training.

Training margin (``learn`` probe, 20 seeds of model and shuffling, on this
machine): the reference solution and the five correct test submissions
(DataCollatorForSeq2Seq, the tokenizer's BatchEncoding as a batch, a loss from
the logits with or without shift_tokens_right decoder inputs, pad_sequence
batches with an own greedy decoder, AdamW or Adam, model.zero_grad(), gradient
clipping) translated 4/4 training pairs on every seed, with the last epoch loss
at most 0.32% of the first. The check asks for 3/4 and a last loss below half
the first.
Default learning rate: one AdamW step at lr 5e-5 moves no weight by more than
5.05e-5 (Adam's first step is about lr per weight); the check allows 2e-4, and
the snippet's 1e-3 moves weights by 1e-3.
"""

import pytest

from grader.checking import describe, fail

MAX_DEFAULT_STEP = 2e-4


def _strings(value, count, what, bug=None):
    """The list of strings translate returned; ``bug`` is named for the decode-first-only symptom."""
    if value["kind"] == "str":
        fail(f"{what} returned one string for {count} input text(s): decoding only predicted_ids[0] drops "
             "every other sentence. Decode every row (tokenizer.batch_decode) and return a list.", bug=bug)
    if value["kind"] != "list":
        fail(f"{what} should return a list of strings, but it returned a {value['kind']}.")
    if len(value["value"]) == 1 and count > 1:
        fail(f"{what} returned a list of 1 string for {count} input texts: decode every generated row "
             "(tokenizer.batch_decode), not only the first.", bug=bug)
    if len(value["value"]) != count:
        fail(f"{what} returned {len(value['value'])} strings for {count} input texts.")
    return value["value"]


@pytest.mark.points(10)
@pytest.mark.bug("decode-first-only")
def test_translate_one_string_per_text(observe):
    """translate returns one string per input text."""
    for even in (True, False):  # texts of one length first: no padding needed
        got = observe("translate", seed=0, even=even)
        _strings(got["together"], 3, "translate", bug="decode-first-only")


@pytest.mark.points(5)
def test_translate_batch_equals_single(observe, expected):
    """Translating texts of different lengths together gives what translating each alone gives."""
    got, want = observe("translate", seed=0, even=False), expected("translate", seed=0, even=False)
    together = _strings(got["together"], 3, "translate")
    alone = [_strings(a, 1, "translate of one text")[0] for a in got["alone"]]
    if got["again"] != got["together"]:
        fail("Two calls of translate on the same texts gave different translations: decode greedily "
             "(num_beams=1, do_sample=False), not by sampling.")
    if together != alone:
        fail("translate gave different translations for the same text in a padded batch and alone: pass the "
             "attention_mask to generate so that padding is ignored.")
    if together != want["together"]["value"]:
        fail(f"translate's greedy translations differ from the model's own greedy output "
             f"({describe(together)}): use model.generate (greedy, num_beams=1) and decode with "
             "skip_special_tokens=True.")


@pytest.mark.points(10)
@pytest.mark.bug("no-language-codes")
def test_translate_forces_language_code(observe):
    """With forced_bos_token_id, the first generated token is that language code; without, nothing is forced."""
    got = observe("forced_bos", forced=True)
    first = got["first_tokens"]
    if first is None:
        fail("translate never ran the model's decoder (no decoder_input_ids reached the model).")
    if any(token != got["forced_id"] for token in first):
        fail("With forced_bos_token_id=<the target language code>, the decoder's first generated token was not "
             "that code: pass forced_bos_token_id to generate, so that an mBART model knows which language to "
             "produce.", bug="no-language-codes")
    plain = observe("forced_bos", forced=False)["first_tokens"]
    if plain is not None and all(token == got["forced_id"] for token in plain):
        fail("With forced_bos_token_id=None, translate still forced the language code.")


@pytest.mark.points(15)
@pytest.mark.bug("labels-are-source")
def test_training_learns_the_targets(observe):
    """make_dataloader + train for 30 epochs teach a tiny mBART to translate the 4 training pairs."""
    got = observe("learn", seed=0)
    translations, sources, targets = got["translations"], got["sources"], got["targets"]
    if sum(t == s for t, s in zip(translations, sources, strict=True)) >= 3:
        fail("After training, the model reproduces the source sentences instead of translating them: it was "
             "trained with the sources as labels (labels=batch['input_ids']). The labels must be the targets.",
             bug="labels-are-source")
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != 30 or not all(isinstance(x, float) for x in losses):
        fail(f"train(epochs=30) should return the 30 mean epoch losses as floats, but it returned "
             f"{describe(losses)}.")
    if not losses[-1] < 0.5 * losses[0]:
        fail(f"train's epoch losses did not fall (first {losses[0]:.3g}, last {losses[-1]:.3g}): every batch "
             "needs the model's loss, zero_grad, backward and an optimizer step at the given lr.")
    right = sum(t == w for t, w in zip(translations, targets, strict=True))
    if right < 3:
        fail(f"After training on 4 pairs for 30 epochs, the model translated {right} of them correctly; at "
             "least 3 were expected.")


@pytest.mark.points(5)
@pytest.mark.bug("wrong-checkpoint")
def test_default_fine_tuning_is_gentle(observe):
    """train's default settings fine-tune gently: one step moves no weight by more than 2e-4."""
    change = observe("default_lr")["max_change"]
    if change == 0.0:
        fail("train(model, loader) with its default settings did not change the model at all.")
    if change > MAX_DEFAULT_STEP:
        fail(f"One step of train(model, loader) with its default settings moved a weight by {change:.2g}: a "
             "learning rate of that size destroys a pre-trained checkpoint (the snippet's Adam at 1e-3 on a "
             "610M-parameter mBART). Default to a fine-tuning rate such as 5e-5 (at most 1e-4).",
             bug="wrong-checkpoint")
