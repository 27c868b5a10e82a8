"""Eli's generator: keeps drawing until it has enough words, even at a dead end."""
import random


def build_bigram_model(tokens):
    model = {}
    for a, b in zip(tokens, tokens[1:]):
        model.setdefault(a, {})
        model[a][b] = model[a].get(b, 0) + 1
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("empty prompt")
    rng = random.Random(seed)
    added = 0
    while added < length:
        successors = model.get(words[-1], {})
        if successors:
            choices, weights = zip(*successors.items())
            words.append(rng.choices(choices, weights=weights)[0])
            added += 1
    return " ".join(words)
