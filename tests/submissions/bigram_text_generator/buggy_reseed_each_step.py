# Buggy: a fresh random.Random(seed) for every draw, so every draw in one text uses the same number.
# Should fail test_successor_frequencies (draws within a text not independent).
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
    for _ in range(length):
        succ = model.get(words[-1])
        if not succ:
            break
        words.append(random.Random(seed).choices(list(succ), weights=list(succ.values()))[0])
    return " ".join(words)
