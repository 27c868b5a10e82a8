# Correct: numpy's private Generator (np.random.default_rng(seed)) with probabilities
# count/total; the model is built by sorting pairs and counting runs. Should score 100:
# the contract's requirements (seeded, private state, proportional draws) hold.
from itertools import groupby

import numpy as np


def build_bigram_model(tokens):
    pairs = sorted(zip(tokens, tokens[1:]))
    model = {}
    for (a, b), group in groupby(pairs):
        model.setdefault(a, {})[b] = sum(1 for _ in group)
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("prompt must contain a word")
    rng = np.random.default_rng(seed)
    for _ in range(max(length, 0)):
        successors = model.get(words[-1], {})
        if len(successors) == 0:
            break
        candidates = list(successors.keys())
        counts = np.array([successors[c] for c in candidates], dtype=float)
        index = rng.choice(len(candidates), p=counts / counts.sum())
        words.append(candidates[index])
    return " ".join(words)
