"""Bigram (Markov-chain) text generator: fill in the two functions (see README.md)."""

from __future__ import annotations

import random  # noqa: F401  (you will need random.Random)


def build_bigram_model(tokens: list[str]) -> dict[str, dict[str, int]]:
    """Count, for every word, how often each other word directly follows it.

    ``model[w][v]`` is the number of times ``v`` comes right after ``w`` in
    ``tokens``. A word that is never followed by anything (e.g. the last token,
    if it occurs nowhere else) may be missing or map to an empty dict.
    """
    raise NotImplementedError


def generate_text(
    model: dict[str, dict[str, int]], prompt: str, length: int, seed: int | None = None
) -> str:
    """Continue ``prompt`` with up to ``length`` words drawn from ``model``.

    - split ``prompt`` on whitespace; raise ``ValueError`` if it has no word;
    - append up to ``length`` words, each drawn from the successors of the
      current last word with probability proportional to its count;
    - stop early when the last word has no successors;
    - draw only from a private ``random.Random(seed)`` (never the global one);
    - return all the words (prompt's and generated) joined by single spaces.
    """
    raise NotImplementedError
