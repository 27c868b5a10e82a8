# Buggy: seeds and uses the global random module (random.seed(seed); random.choices),
# which resets the caller's random state. Should fail test_seed_reproducible_and_private.
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
    random.seed(seed)
    for _ in range(length):
        successors = model.get(words[-1])
        if not successors:
            break
        words.append(random.choices(list(successors), weights=list(successors.values()))[0])
    return " ".join(words)
