# Buggy: draws uniformly among the distinct successors, ignoring their counts
# (rng.choice(list(successors))). Should fail test_successor_frequencies only.
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
        successors = model.get(words[-1])
        if not successors:
            break
        words.append(rng.choice(list(successors)))
    return " ".join(words)
