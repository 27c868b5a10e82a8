# Buggy: build_bigram_model loops over range(len(tokens) - 2), so the last pair of the corpus
# is never counted. Should fail test_build_counts_successors.
import random


def build_bigram_model(tokens):
    model = {}
    for i in range(len(tokens) - 2):
        a, b = tokens[i], tokens[i + 1]
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
        words.append(rng.choices(list(successors), weights=list(successors.values()))[0])
    return " ".join(words)
