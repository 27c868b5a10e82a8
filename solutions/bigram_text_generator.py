"""Reference solution: bigram (Markov-chain) text generator."""

from __future__ import annotations

import random
from itertools import pairwise


def build_bigram_model(tokens: list[str]) -> dict[str, dict[str, int]]:
    """Successor counts: ``model[w][v]`` is how often ``v`` directly follows ``w`` in ``tokens``."""
    model: dict[str, dict[str, int]] = {}
    for current, following in pairwise(tokens):
        successors = model.setdefault(current, {})
        successors[following] = successors.get(following, 0) + 1
    return model


def generate_text(
    model: dict[str, dict[str, int]], prompt: str, length: int, seed: int | None = None
) -> str:
    """Continue ``prompt`` with up to ``length`` words drawn from ``model``; see README.md."""
    words = prompt.split()
    if not words:
        raise ValueError("the prompt must contain at least one word")
    rng = random.Random(seed)
    for _ in range(length):
        successors = model.get(words[-1])
        if not successors:
            break
        candidates = list(successors)
        weights = [successors[c] for c in candidates]
        words.append(rng.choices(candidates, weights=weights)[0])
    return " ".join(words)
