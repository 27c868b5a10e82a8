"""Hidden check of predict_keywords: the spotted keyword itself, as text.

The known bug classification-not-transcription is named only on its symptom:
predict_keywords returned the class indices (the snippet's
``torch.max(outputs.data, 1)``) instead of the keywords they stand for. A
classifier cannot transcribe speech; what it can honestly output is the word
of its vocabulary it spotted. Any other wrong value names no bug.
"""

import numpy as np
import pytest

from grader.checking import describe, fail

CASES = ({"channel_axis": True}, {"channel_axis": False})


def _as_ints(value):
    """The returned value as a list of ints if it is a sequence/array of integers, else None."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.ndim == 1:
        return [int(v) for v in value]
    if isinstance(value, list) and value and all(
            (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, np.ndarray) and v.shape == () and v.dtype.kind in "iu") for v in value):
        return [int(v) for v in value]
    return None


@pytest.mark.points(15)
@pytest.mark.bug("classification-not-transcription")
def test_predict_keywords_returns_words(observe):
    """predict_keywords returns the keyword (str) of each spectrogram's eval-mode class, with or without a channel."""
    for case in CASES:
        error = observe.error("keywords", **case)
        if error is not None and not case["channel_axis"] and observe.error("keywords", channel_axis=True) is None:
            fail(f"predict_keywords works on (B, 1, n_mels, n_frames) spectrograms but raised {error.type} on "
                 f"(B, n_mels, n_frames) ones ({error.message}): add the channel axis (x.unsqueeze(1)) when it "
                 "is missing.")
        got = observe("keywords", **case)
        returned, keywords = got["returned"], got["keywords"]
        classes = [int(c) for c in got["classes"]]
        want = [keywords[c] for c in classes]
        shape = "(B, 1, n_mels, n_frames)" if case["channel_axis"] else "(B, n_mels, n_frames)"
        ids = _as_ints(returned)
        if ids is not None and len(ids) == len(classes) and all(0 <= i < len(keywords) for i in ids):
            fail(f"For spectrograms of shape {shape}, predict_keywords returned class indices ({got['type']} of "
                 f"ints such as {ids[0]}) instead of keywords: a keyword spotter's output is the spotted word, "
                 f"keywords[class] (e.g. {keywords[0]!r}), not the classifier's index.",
                 bug="classification-not-transcription")
        if not isinstance(returned, list):
            what = returned["unsupported"] if isinstance(returned, dict) and "unsupported" in returned else \
                describe(returned)
            fail(f"For spectrograms of shape {shape}, predict_keywords should return a list of str, one keyword "
                 f"per spectrogram, but it returned a {got['type']} ({what}).")
        if len(returned) != len(want):
            fail(f"For {len(want)} spectrograms of shape {shape}, predict_keywords should return {len(want)} "
                 f"keywords, but it returned {len(returned)} items.")
        not_text = [w for w in returned if not isinstance(w, str)]
        if not_text:
            fail(f"predict_keywords should return keywords (str), but it returned items such as "
                 f"{describe(not_text[0])}.")
        unknown = [w for w in returned if w not in keywords]
        if unknown:
            fail(f"predict_keywords should only return words of `keywords`, but it returned {unknown[0]!r}.")
        wrong = sum(a != b for a, b in zip(returned, want, strict=True))
        if wrong:
            fail(f"For spectrograms of shape {shape} and a model handed over in training mode (with BatchNorm), "
                 f"{wrong} of {len(want)} keywords are not keywords[argmax] of the model's eval-mode logits: "
                 "evaluate the model in eval mode, without autograd.")
