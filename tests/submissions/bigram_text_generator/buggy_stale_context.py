# expect-bugs: ignores-context
# Buggy (catalogued bug in disguise): the context word is read once before the loop and never updated,
# so every word is drawn from the successors of the prompt's last word, regardless of the previous word.
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
    last = words[-1]
    for _ in range(length):
        succ = model.get(last)
        if not succ:
            break
        words.append(rng.choices(list(succ), weights=list(succ.values()))[0])
    return " ".join(words)
