# Correct: integer cumulative draw with randrange; generated words kept apart from the prompt.
import random


def build_bigram_model(tokens):
    model = {}
    i = 0
    while i + 1 < len(tokens):
        row = model.setdefault(tokens[i], {})
        row[tokens[i + 1]] = row.get(tokens[i + 1], 0) + 1
        i += 1
    return model


def generate_text(model, prompt, length, seed=None):
    prompt_words = prompt.split()
    if len(prompt_words) == 0:
        raise ValueError("empty prompt")
    rng = random.Random(seed)
    generated = []
    last = prompt_words[-1]
    while len(generated) < length:
        succ = model.get(last)
        if not succ:
            break
        r = rng.randrange(sum(succ.values()))
        for word, count in succ.items():
            if r < count:
                break
            r -= count
        generated.append(word)
        last = word
    return " ".join(prompt_words + generated)
