# Buggy: build_bigram_model returns probabilities (normalised counts) instead of counts.
import random


def build_bigram_model(tokens):
    model = {}
    for a, b in zip(tokens, tokens[1:]):
        model.setdefault(a, {})
        model[a][b] = model[a].get(b, 0) + 1
    for a, row in model.items():
        total = sum(row.values())
        for b in row:
            row[b] = row[b] / total
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("empty prompt")
    rng = random.Random(seed)
    for _ in range(length):
        succ = model.get(words[-1])
        if not succ:
            break
        words.append(rng.choices(list(succ), weights=list(succ.values()))[0])
    return " ".join(words)
