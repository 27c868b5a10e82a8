# Correct: numpy RandomState(seed) (private), probabilities as an array; model with empty dicts kept.
import numpy as np


def build_bigram_model(tokens):
    model = {t: {} for t in tokens}
    for a, b in zip(tokens[:-1], tokens[1:]):
        model[a][b] = model[a].get(b, 0) + 1
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("prompt is empty")
    rs = np.random.RandomState(seed)
    for _ in range(length):
        nxt = model.get(words[-1], {})
        if not nxt:
            break
        keys = sorted(nxt)
        p = np.array([nxt[k] for k in keys], dtype=np.float64)
        words.append(str(keys[rs.choice(len(keys), p=p / p.sum())]))
    return " ".join(words)
