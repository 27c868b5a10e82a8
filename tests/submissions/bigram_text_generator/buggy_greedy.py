# Buggy: always takes the most frequent successor (greedy decoding), so the text never varies.
# Should fail test_successor_frequencies and test_seed_reproducible_and_private ("ten seeds, same text").
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
    random.Random(seed)  # created, never used
    for _ in range(length):
        successors = model.get(words[-1])
        if not successors:
            break
        words.append(max(successors, key=successors.get))
    return " ".join(words)
