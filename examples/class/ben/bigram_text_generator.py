# Buggy: treats `length` as the total number of words, prompt included, so it generates
# len(prompt) words too few. Should fail test_words_are_separated, test_single_successor_is_followed
# and test_transitions_seen_in_corpus (word counts).
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
    while len(words) < length:
        successors = model.get(words[-1])
        if not successors:
            break
        words.append(rng.choices(list(successors), weights=list(successors.values()))[0])
    return " ".join(words)
