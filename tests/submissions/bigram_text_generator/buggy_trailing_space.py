# Buggy: builds the text with += word + " ", leaving a trailing space.
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
    text = prompt + " "
    last = words[-1]
    for _ in range(length):
        succ = model.get(last)
        if not succ:
            break
        last = rng.choices(list(succ), weights=list(succ.values()))[0]
        text += last + " "
    return text
