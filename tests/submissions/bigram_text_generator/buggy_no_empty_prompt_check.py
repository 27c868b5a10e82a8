# Buggy: no check for an empty prompt, so words[-1] raises IndexError instead of ValueError.
# Should fail test_empty_prompt_raises.
import random


def build_bigram_model(tokens):
    model = {}
    for a, b in zip(tokens, tokens[1:]):
        model.setdefault(a, {})
        model[a][b] = model[a].get(b, 0) + 1
    return model


def generate_text(model, prompt, length, seed=None):
    words = prompt.split()
    rng = random.Random(seed)
    for _ in range(length):
        successors = model.get(words[-1])
        if not successors:
            break
        words.append(rng.choices(list(successors), weights=list(successors.values()))[0])
    return " ".join(words)
