# Correct: defaultdict/Counter model, sampling by cumulative weights with bisect, while loop.
# Should score 100.
import bisect
import random
from collections import Counter, defaultdict


def build_bigram_model(tokens):
    model = defaultdict(Counter)
    for i in range(1, len(tokens)):
        model[tokens[i - 1]][tokens[i]] += 1
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    if len(words) == 0:
        raise ValueError("empty prompt")
    rng = random.Random(seed)
    generated = 0
    while generated < length:
        successors = model.get(words[-1]) or {}
        if not successors:
            break
        items = sorted(successors.items())
        cumulative = []
        running = 0
        for _, count in items:
            running += count
            cumulative.append(running)
        r = rng.random() * running
        words.append(items[bisect.bisect_right(cumulative, r)][0])
        generated += 1
    return " ".join(words)
