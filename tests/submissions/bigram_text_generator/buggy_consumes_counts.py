# Buggy: decrements the model's counts after each draw (sampling without replacement, mutates the model).
# Should fail test_seed_reproducible_and_private (the model is changed) and the word-count checks.
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
        succ = model.get(words[-1])
        if not succ or sum(succ.values()) == 0:
            break
        w = rng.choices(list(succ), weights=list(succ.values()))[0]
        succ[w] -= 1
        words.append(w)
    return " ".join(words)
