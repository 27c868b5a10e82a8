# ruff: noqa
# The snippet of 000-#6 (算法编程题库 6), shaped to the exercise's API with its bugs kept:
# - its "model" is just the word list (build_bigram_model returns the tokens unchanged);
# - generate_text draws every word with random.choice over that list, whatever came before
#   (ignores-context), from the global random state (the seed is ignored);
# - result += token glues the words together (no-separator).
import random


def build_bigram_model(tokens):
    return list(tokens)


def generate_text(model, text, length=50, seed=None):
    model = list(model)  # a dict model gives its words, as the snippet's list did
    result = text
    for _ in range(length):
        token = random.choice(model)
        result += token
    return result


if __name__ == "__main__":
    model = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]

    text = "the quick brown fox jumps over"
    generated_text = generate_text(model, text, length=10)
    print(generated_text)
