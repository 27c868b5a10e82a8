"""Hidden checks of ctc_greedy_decode and transcribe: text out, one string per utterance.

The checks decode the probes' log-probabilities themselves (argmax per frame,
merge repeats, drop blanks, map ids to characters), so any equivalent greedy
decoder passes: a loop, itertools.groupby, torch.unique_consecutive, ...

Known bugs are named only on their symptom:
- postprocess-type-confusion: the code joined numbers as if they were text
  (TypeError "sequence item 0: expected str instance, numpy.int64 found"),
  called .cpu()/.numpy() on a list or str, returned ids instead of
  characters, or made the join run by joining the ids' digits (map(str, ids));
- hardcoded-cuda: transcribe raised "Torch not compiled with CUDA enabled" (or
  another CUDA error): the code moved data to a GPU that is not there.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

CUDA_ERRORS = (("AssertionError", "CUDA"), ("RuntimeError", "CUDA"), ("RuntimeError", "NVIDIA"))


def _type_confusion(observe, probe_name, **case):
    """Fail naming postprocess-type-confusion if the code raised the snippet's post-processing errors."""
    error = observe.error(probe_name, **case)
    if raised(error, "TypeError", "expected str instance"):
        fail(f"Your code raised TypeError ({error.message}): ''.join(...) was given ids, not characters. "
             "Map every kept id to its character with idx_to_char first.", bug="postprocess-type-confusion")
    for attribute in ("'cpu'", "'numpy'"):
        if raised(error, "AttributeError", attribute) and ("'list' object" in error.message
                                                           or "'str' object" in error.message):
            fail(f"Your code raised AttributeError ({error.message}): .cpu() and .numpy() are tensor methods; "
                 "the decoded texts are already Python strings.", bug="postprocess-type-confusion")


def _is_id(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "iuf"


def _expect_texts(returned, type_name, want, what):
    """Fail unless returned is a list of exactly the strings in want."""
    if isinstance(returned, np.ndarray) and returned.dtype.kind in "iuf" or \
            isinstance(returned, list) and returned and all(_is_id(v) or isinstance(v, list) and all(
                _is_id(x) for x in v) for v in returned):
        fail(f"{what} returned numbers ({describe(returned)}) instead of text: map every kept id to its "
             "character with idx_to_char and join them into a str per utterance.",
             bug="postprocess-type-confusion")
    if isinstance(returned, str):
        fail(f"{what} should return a list of str, one per utterance, but it returned one str "
             f"({describe(returned)}).")
    if not isinstance(returned, list):
        fail(f"{what} should return a list of str, one per utterance, but it returned a {type_name}.")
    if len(returned) != len(want):
        fail(f"{what} should return {len(want)} texts (one per utterance of the batch), but it returned "
             f"{len(returned)}.")
    not_text = [v for v in returned if not isinstance(v, str)]
    if not_text:
        fail(f"{what} should return str items, but it returned items such as {describe(not_text[0])}.")


def greedy(ids, chars, blank):
    """The reference decoder: collapse repeats, then drop blanks."""
    texts = []
    for row in ids:
        kept = [c for i, c in enumerate(row) if c != blank and (i == 0 or row[i - 1] != c)]
        texts.append("".join(chars[c] for c in kept))
    return texts


def _without_collapse(ids, chars, blank):
    return ["".join(chars[c] for c in row if c != blank) for row in ids]


def _blanks_first(ids, chars, blank):
    """Drop blanks, then collapse repeats (wrong: "a_a" becomes "a")."""
    out = []
    for row in ids:
        kept = [c for c in row if c != blank]
        out.append("".join(chars[c] for i, c in enumerate(kept) if i == 0 or kept[i - 1] != c))
    return out


def _check_decode(observe, which):
    _type_confusion(observe, "decode", which=which)
    got = observe("decode", which=which)
    ids, chars, blank = got["ids"], got["chars"], got["blank"]
    want = greedy(ids, chars, blank)
    returned = got["returned"]
    _expect_texts(returned, got["type"], want, "ctc_greedy_decode")
    if returned == want:
        return
    wrong = [i for i, (a, b) in enumerate(zip(returned, want, strict=True)) if a != b]
    if returned == greedy(ids, [str(i) for i in range(len(chars))], blank):
        fail(f"ctc_greedy_decode joined the ids' digits (e.g. {returned[wrong[0]]!r}) instead of their characters: "
             "ids are not text; map every kept id to its character with idx_to_char[id] before joining.",
             bug="postprocess-type-confusion")
    for shift in (-1, 1):
        shifted = [chars[(i + shift) % len(chars)] for i in range(len(chars))]
        if returned == greedy(ids, shifted, blank):
            fail(f"ctc_greedy_decode mapped id i to idx_to_char[i {'-' if shift < 0 else '+'} 1]: idx_to_char is "
                 "indexed by the id itself (it holds the blank's character too), so use idx_to_char[i].")
    if returned == _without_collapse(ids, chars, blank):
        fail("ctc_greedy_decode dropped the blanks but did not merge repeated ids: a character held for several "
             "frames must count once (merge repeats first, then drop blanks).")
    if returned == _blanks_first(ids, chars, blank):
        fail("ctc_greedy_decode dropped the blanks before merging repeats, so a doubled letter separated by a "
             "blank (as in 'aab' spoken 'a _ a b') came out single: merge repeats first, then drop blanks.")
    if any(chars[blank] in text for text in returned):
        fail(f"The texts from ctc_greedy_decode still contain the blank's character {chars[blank]!r} (blank index "
             f"{blank}): drop every blank id.")
    fail(f"{len(wrong)} of {len(want)} texts from ctc_greedy_decode are not the best-path decoding (argmax per "
         f"frame, merge repeats, drop blanks, idx_to_char), e.g. item {wrong[0]}: got {returned[wrong[0]]!r}.")


@pytest.mark.points(15)
@pytest.mark.bug("postprocess-type-confusion")
def test_decode_merges_repeats_then_drops_blanks(observe):
    """ctc_greedy_decode returns one str per utterance: repeats merged, then blanks dropped, ids mapped to chars."""
    for which in ("example", "batch"):
        _check_decode(observe, which)


@pytest.mark.points(5)
@pytest.mark.bug("postprocess-type-confusion")
def test_decode_other_blank_index(observe):
    """ctc_greedy_decode honours a blank that is not index 0."""
    _check_decode(observe, "blank_last")


# (texts, blank, what, the idx_to_char the probe passes to transcribe)
TRANSCRIBE_CASES = [(["abc", "caab"], 0, "a (2, 16000) batch", "_abc"),
                    (["ba"], 0, "a single (16000,) waveform", "_abc"),
                    (["cab", "bc"], 3, "a (2, 16000) batch with blank=3 (the last index)", "abc_")]


@pytest.mark.points(7)
@pytest.mark.bug("hardcoded-cuda")
@pytest.mark.bug("postprocess-type-confusion")
def test_transcribe_on_cpu(observe):
    """transcribe runs on the CPU and turns each waveform into its text (features, model, greedy decoding)."""
    for texts, blank, what, chars in TRANSCRIBE_CASES:
        case = {"texts": texts, "blank": blank}
        error = observe.error("transcribe", **case)
        if any(raised(error, kind, word) for kind, word in CUDA_ERRORS):
            fail(f"transcribe raised {error.type} ({error.message}): it moves data to a GPU, which this machine "
                 "does not have. Keep the input on the model's device (e.g. "
                 "next(model.parameters()).device) instead of calling .cuda().", bug="hardcoded-cuda")
        _type_confusion(observe, "transcribe", **case)
        got = observe("transcribe", **case)
        _expect_texts(got["returned"], got["type"], texts, f"transcribe on {what}")
        if got["returned"] == ["".join(str(chars.index(c)) for c in text) for text in texts]:
            fail(f"On {what}, transcribe returned the ids' digits ({got['returned']!r}) instead of characters: "
                 "ids are not text; map every kept id to its character with idx_to_char[id] before joining.",
                 bug="postprocess-type-confusion")
        if got["returned"] != texts and blank != 0 and any(chars[blank] in text for text in got["returned"]):
            fail(f"On {what}, transcribe returned {got['returned']!r}: the blank's character is still in the text. "
                 "Pass the blank it is given on to ctc_greedy_decode (transcribe(..., blank=3) must drop id 3).")
        if got["returned"] != texts:
            fail(f"On {what} whose characters a model can read off the features, transcribe returned "
                 f"{got['returned']!r} instead of the expected texts: compute_features, then the model "
                 "(eval mode, no autograd), then ctc_greedy_decode.")


@pytest.mark.points(3)
def test_transcribe_eval_mode_without_autograd(observe):
    """transcribe runs the model in eval mode with autograd off."""
    for texts, blank, what, _ in TRANSCRIBE_CASES:
        forwards = observe("transcribe", texts=texts, blank=blank)["forwards"]
        if not forwards:
            fail(f"transcribe on {what} never called the model it was given.")
        if any(training for training, _ in forwards):
            fail(f"On {what}, transcribe ran the model (handed over in training mode) in training mode: call "
                 "model.eval() first, so that dropout and batch norm behave as at inference.")
        if any(grad_enabled for _, grad_enabled in forwards):
            fail(f"On {what}, transcribe ran the model with autograd on, building a gradient graph it never uses: "
                 "wrap the inference in `with torch.no_grad():`.")
