# Correct: recursive generation, random.choices with cum_weights from itertools.accumulate,
# a model built with dict.get counting. Should score 100.
import random
from itertools import accumulate


def build_bigram_model(tokens):
    model = {}
    previous = None
    for index, token in enumerate(tokens):
        if index > 0:
            row = model.get(previous, {})
            row[token] = row.get(token, 0) + 1
            model[previous] = row
        previous = token
    return model


def _extend(model, words, remaining, rng):
    successors = model.get(words[-1])
    if remaining <= 0 or not successors:
        return words
    names = list(successors)
    choice = rng.choices(names, cum_weights=list(accumulate(successors[n] for n in names)), k=1)[0]
    return _extend(model, words + [choice], remaining - 1, rng)


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if not words:
        raise ValueError("empty prompt")
    return " ".join(_extend(model, words, length, random.Random(seed)))
