# Buggy: indexes model[last] directly, so a last word that is not a key of the model raises
# KeyError instead of stopping early. Should fail test_dead_ends_stop_early.
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
    for _ in range(length):
        successors = model[words[-1]]
        if not successors:
            break
        words.append(rng.choices(list(successors), weights=list(successors.values()))[0])
    return " ".join(words)
