"""Public check for extractive_qa_decoding: best_span on an easy case.

The probe calls ``best_span(start_logits, end_logits, context_mask)`` on 24
tokens, where tokens 9..22 are the context and one start logit (token 13) and
one end logit (token 16) stand out clearly inside it; the answer is that span.
"""

import pytest

from grader.checking import fail


@pytest.mark.points(5)
def test_best_span_easy_case(observe):
    """best_span returns (start, end, score) for the obvious answer of an easy case."""
    got = observe("span_easy")
    result = got["result"]
    if result["kind"] != "triple":
        fail(f"best_span should return a tuple (start, end, score), but it returned a {result['kind']}.")
    mask = got["mask"]
    start_logits = [x if m else float("-inf") for x, m in zip(got["start_logits"], mask, strict=True)]
    end_logits = [x if m else float("-inf") for x, m in zip(got["end_logits"], mask, strict=True)]
    want = (start_logits.index(max(start_logits)), end_logits.index(max(end_logits)))
    if (result["start"], result["end"]) != want:
        fail(f"The context tokens with the highest start and end logits form the span {want}, a valid span; "
             f"best_span returned ({result['start']}, {result['end']}).")
    score = result["score"]
    if not isinstance(score, float) or not 0.0 < score <= 1.0:
        fail(f"The score should be a probability (a float in (0, 1]), but it was {score!r}.")
