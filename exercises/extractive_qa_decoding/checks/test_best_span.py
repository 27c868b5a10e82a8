"""Hidden checks: best_span picks the most probable valid span of context tokens.

The probe returns the crafted logits and mask it used; the judge recomputes the
best span by brute force over every (start, end) pair, so any implementation
(a double loop, an outer product with a band mask, sorting candidates as the v4
pipeline did) is judged on its result only. The logits are random floats plus
offsets, so the best span is unique.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail


def _log_softmax(x, mask):
    z = np.where(mask, x.astype(np.float64), -np.inf)
    m = z[mask].max()
    return z - (m + np.log(np.exp(z[mask] - m).sum()))


def brute_force(start_logits, end_logits, mask, max_answer_len):
    """(start, end, probability product) of the best span of context tokens, end inclusive."""
    ls, le = _log_softmax(start_logits, mask), _log_softmax(end_logits, mask)
    best = None
    n = len(mask)
    for s in range(n):
        for e in range(s, min(n, s + max_answer_len)):
            if mask[s] and mask[e]:
                score = ls[s] + le[e]
                if best is None or score > best[2]:
                    best = (s, e, score)
    return best[0], best[1], math.exp(best[2])


def observe_span(observe, kind, max_answer_len):
    """The student's (start, end, score), checked for shape; and the reference span."""
    got = observe("span", kind=kind, max_answer_len=max_answer_len)
    result = got["result"]
    if result["kind"] != "triple":
        fail(f"best_span should return a tuple (start, end, score), but it returned a {result['kind']}"
             + (f" of length {result['length']}." if result.get("length") is not None else "."))
    start, end = result["start"], result["end"]
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"best_span should return {name} as an int token index, but it returned {describe(value)}.")
    want = brute_force(got["start_logits"], got["end_logits"], got["mask"], max_answer_len)
    return start, end, result["score"], got["mask"], want


def expect_valid(start, end, mask, max_answer_len):
    """Fail unless (start, end) is an ordered span of context tokens no longer than max_answer_len."""
    n = len(mask)
    if not (0 <= start < n and 0 <= end < n):
        fail(f"best_span returned token indices ({start}, {end}) outside the sequence of {n} tokens.")
    if end < start:
        fail(f"best_span returned start {start} after end {end}: an answer span needs start <= end, even when "
             "the highest end logit comes before the highest start logit.")
    if not (mask[start] and mask[end]):
        fail(f"best_span returned the span ({start}, {end}), which uses a token outside the context (a question "
             "or special token such as [CLS]/[SEP]): only tokens where context_mask is True may be chosen.")
    if end - start + 1 > max_answer_len:
        fail(f"best_span returned a span of {end - start + 1} tokens, but max_answer_len was {max_answer_len}.")


@pytest.mark.points(10)
def test_end_before_start(observe):
    """When the highest end logit precedes the highest start logit, best_span still returns the best valid span."""
    start, end, _, mask, want = observe_span(observe, "end_before_start", 15)
    expect_valid(start, end, mask, 15)
    if (start, end) != want[:2]:
        fail(f"best_span returned the span ({start}, {end}), but another valid span (start <= end) has a "
             "higher probability p_start[start] * p_end[end]: maximise over pairs, not over start and end "
             "separately.")


@pytest.mark.points(10)
def test_span_inside_context(observe):
    """best_span never picks question or special tokens, and raises ValueError when there is no context."""
    start, end, _, mask, want = observe_span(observe, "context", 15)
    expect_valid(start, end, mask, 15)
    if (start, end) != want[:2]:
        fail(f"best_span returned the span ({start}, {end}), but another span of context tokens has a higher "
             "probability p_start[start] * p_end[end].")
    raised = observe("span_empty")["raised"]
    if raised != "ValueError":
        did = "returned a span" if raised is None else f"raised {raised}"
        fail(f"With a context_mask that selects no token there is no possible answer: best_span should raise "
             f"ValueError, but it {did}.")


@pytest.mark.points(5)
def test_max_answer_len(observe):
    """best_span respects max_answer_len (the span has at most that many tokens)."""
    start, end, _, mask, want = observe_span(observe, "max_len", 4)
    expect_valid(start, end, mask, 4)
    if (start, end) != want[:2]:
        fail(f"best_span returned the span ({start}, {end}), but another span of at most max_answer_len "
             "context tokens has a higher probability.")


@pytest.mark.points(5)
def test_span_score(observe):
    """The score is p_start[start] * p_end[end], with softmax over the context tokens only."""
    start, end, score, mask, want = observe_span(observe, "score", 6)
    expect_valid(start, end, mask, 6)
    if (start, end) != want[:2]:
        fail(f"best_span returned the span ({start}, {end}), but another valid span has a higher probability.")
    if not isinstance(score, float):
        fail(f"best_span should return the score as a Python float, but it returned {describe(score)}.")
    if math.isclose(score, want[2], rel_tol=1e-4, abs_tol=1e-9):
        return
    got = observe("span", kind="score", max_answer_len=6)
    s_all = np.exp(got["start_logits"] - got["start_logits"].max())
    e_all = np.exp(got["end_logits"] - got["end_logits"].max())
    over_everything = float(s_all[start] / s_all.sum() * e_all[end] / e_all.sum())
    if math.isclose(score, over_everything, rel_tol=1e-4):
        fail(f"Your score {score:.4g} is a product of probabilities from a softmax over all tokens; take the "
             f"softmax over the context tokens only (the others can never be the answer), which gives "
             f"{want[2]:.4g}.")
    if math.isclose(score, math.log(want[2]), rel_tol=1e-4):
        fail(f"Your score {score:.4g} is a log-probability; return the probability p_start * p_end, "
             f"{want[2]:.4g}.")
    fail(f"best_span's score should be p_start[start] * p_end[end] (softmax over the context tokens) = "
         f"{want[2]:.4g} for the span it chose, but it returned {score:.4g}.")
