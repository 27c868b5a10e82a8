# Buggy: range(length - 1) generates one word too few.
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
    for _ in range(length - 1):
        succ = model.get(words[-1])
        if not succ:
            break
        words.append(rng.choices(list(succ), weights=list(succ.values()))[0])
    return " ".join(words)
