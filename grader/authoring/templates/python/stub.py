def softmax(scores: list[float]) -> list[float]:
    """Probabilities proportional to exp(score), summing to 1 (see README.md)."""
    raise NotImplementedError
