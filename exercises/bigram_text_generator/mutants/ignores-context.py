# ruff: noqa
"""Mutant ignores-context: the reference solution, but every word is drawn from the whole
vocabulary (weighted by how often it occurs), whatever the previous word was."""

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
    # BUG: one distribution over all words, not the successors of the last word
    totals = {}
    for successors in model.values():
        for word, count in successors.items():
            totals[word] = totals.get(word, 0) + count
    for _ in range(length):
        if not model.get(words[-1]):
            break
        candidates = list(totals)
        words.append(rng.choices(candidates, weights=[totals[c] for c in candidates])[0])
    return " ".join(words)
