"""Dara's generator: relies on a package the grader does not have."""
import random

import nltk  # not installed: the import fails, so nothing can be graded


def build_bigram_model(tokens):
    return {a: {b: 1} for a, b in nltk.bigrams(tokens)}


def generate_text(model, prompt, length, seed=None):
    return prompt
