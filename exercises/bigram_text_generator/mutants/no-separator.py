# ruff: noqa
"""Mutant no-separator: the reference solution, but words are appended with `result += token`."""

import random


def build_bigram_model(tokens):
    model = {}
    for current, following in zip(tokens, tokens[1:]):
        successors = model.setdefault(current, {})
        successors[following] = successors.get(following, 0) + 1
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("the prompt must contain at least one word")
    rng = random.Random(seed)
    result = " ".join(words)
    last = words[-1]
    for _ in range(length):
        successors = model.get(last)
        if not successors:
            break
        candidates = list(successors)
        last = rng.choices(candidates, weights=[successors[c] for c in candidates])[0]
        result += last  # BUG: no space between words
    return result
