# Buggy: cumulative draw with randint(0, total) (inclusive upper bound) and a fall-through to the last word.
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
        if not succ:
            break
        r = rng.randint(0, sum(succ.values()))
        acc = 0
        for w, c in succ.items():
            acc += c
            if r < acc:
                break
        words.append(w)
    return " ".join(words)
