# Correct: successors expanded into a list with repeats and drawn with rng.choice;
# the model keeps an empty dict for words without successors. Should score 100.
import random


def build_bigram_model(tokens):
    model = {word: {} for word in tokens}
    for a, b in zip(tokens[:-1], tokens[1:]):
        if b in model[a]:
            model[a][b] = model[a][b] + 1
        else:
            model[a][b] = 1
    return model


def generate_text(model, prompt, length, seed=None):
    tokens = prompt.split()
    if not tokens:
        raise ValueError("the prompt has no words")
    rng = random.Random(seed)
    out = list(tokens)
    for _ in range(length):
        last = out[-1]
        if last not in model or len(model[last]) == 0:
            return " ".join(out)
        bag = []
        for word, count in model[last].items():
            bag.extend([word] * count)
        out.append(rng.choice(bag))
    return " ".join(out)
