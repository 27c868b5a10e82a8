"""Hidden check of predict_keywords: the model's decision turned into the recognised word.

``task-mismatch`` is named only when predict_keywords returns numbers (class
ids or scores) instead of words: no text comes out of the "speech recognition"
model. Wrong words, a wrong count or a result that is not a list name no bug.
"""

import numpy as np
import pytest

from grader.checking import describe, fail

CASES = [["yes", "no", "up", "down", "left"], ["stop", "go", "off"]]


@pytest.mark.points(10)
@pytest.mark.bug("task-mismatch")
def test_predict_keywords_returns_words(observe):
    """predict_keywords returns, for each input, the label word of the most probable class."""
    for labels in CASES:
        seen = observe("keywords", labels=labels)
        probabilities = seen["probabilities"]
        want = [labels[i] for i in np.argmax(probabilities, axis=1)]
        words = seen["words"]
        if words is None:
            fail(f"predict_keywords should return a list of words (str), but it returned a {seen['type']}.")
        if len(words) != len(want):
            fail(
                f"predict_keywords should return one word per input patch ({len(want)} patches), but it "
                f"returned {len(words)} items."
            )
        not_text = [w for w in words if not isinstance(w, str)]
        if not_text:
            numbers = all(isinstance(w, (int, float)) for w in words)  # class ids or scores: no text at all
            fail(
                "predict_keywords should return the recognised words themselves, taken from `labels` "
                f"(e.g. {labels[0]!r}), but it returned items such as {describe(not_text[0])}: "
                "class ids or scores are not text.",
                bug="task-mismatch" if numbers else None,
            )
        unknown = [w for w in words if w not in labels]
        if unknown:
            fail(f"predict_keywords should only return words from `labels`, but it returned {unknown[0]!r}.")
        wrong = sum(a != b for a, b in zip(words, want, strict=True))
        if wrong:
            fail(
                f"{wrong} of {len(want)} words are not the label of the model's most probable class: "
                "word i should be labels[argmax of the model's probabilities for input i]."
            )
