"""The reference solution with the known bug 'no-max-shift' put back: exp() of the raw scores."""

import math


def softmax(scores: list[float]) -> list[float]:
    """Probabilities proportional to exp(score), summing to 1 (see README.md)."""
    if not scores:
        raise ValueError("softmax of an empty list")
    exps = [math.exp(score) for score in scores]
    total = sum(exps)
    return [e / total for e in exps]
