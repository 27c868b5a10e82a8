# Correct: Gumbel-max sampling with a private Random, model built from Counter of pairs.
import math
import random
from collections import Counter


def build_bigram_model(tokens):
    model = {}
    for (a, b), n in Counter(zip(tokens, tokens[1:])).items():
        model.setdefault(a, {})[b] = n
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("no words in prompt")
    rng = random.Random(seed)
    for _ in range(length):
        succ = model.get(words[-1]) or {}
        if not succ:
            break
        best = max(succ, key=lambda w: math.log(succ[w]) - math.log(-math.log(rng.random() or 1e-300)))
        words.append(best)
    return " ".join(words)
