"""Reference solution: scores full marks; every mutant is this file with one known bug put back."""

import math


def softmax(scores: list[float]) -> list[float]:
    """Probabilities proportional to exp(score), summing to 1 (see README.md)."""
    if not scores:
        raise ValueError("softmax of an empty list")
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [e / total for e in exps]
