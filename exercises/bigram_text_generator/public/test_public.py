"""Public check for bigram_text_generator: the README's example, end to end.

The probe runs::

    model = build_bigram_model("the cat sat on the mat".split())
    text = generate_text(model, "the", 4, seed=0)
"""

import pytest

from grader.checking import describe, fail

CORPUS = "the cat sat on the mat".split()


@pytest.mark.points(5)
def test_readme_example(observe):
    """The README example (corpus "the cat sat on the mat", prompt "the", length 4) gives a valid text."""
    out = observe("readme_example")
    if not isinstance(out, str):
        fail(f"generate_text should return a str, but it returned a {out['not_a_string']}.")
    words = out.split()
    if out != " ".join(words):
        fail(f"The words should be joined by single spaces, but your text was {describe(out)}.")
    if not words or words[0] != "the":
        fail(f"The text should start with the prompt 'the', but it was {describe(out)}.")
    pairs = set(zip(CORPUS, CORPUS[1:], strict=False))
    for a, b in zip(words, words[1:], strict=False):
        if (a, b) not in pairs:
            fail(f"Your text {describe(out)} has '{a}' followed by '{b}', which never happens in the corpus: "
                 "each next word must be one of the words that followed the previous word.")
    if len(words) > 5:
        fail(f"With length=4 the text should have at most 1 + 4 words, but yours has {len(words)}.")
    if len(words) < 5 and words[-1] != "mat":
        fail(f"Your text {describe(out)} stopped early, but only 'mat' (the last word of the corpus, "
             "with no successor) may end the text before 4 words were generated.")
