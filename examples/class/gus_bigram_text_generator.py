# Flat layout (<student>_<exercise>.py beside the folders). A disguised copy of ana's file:
# every name changed, comments rewritten, reformatted. Scores 100; the similarity report
# (grader-out/similarity.md) pairs it with ana's, side by side. It flags; it never changes a score.
from itertools import groupby
import numpy as np


def build_bigram_model(tokens):
  # count each adjacent pair once sorted
  ordered = sorted(zip(tokens, tokens[1:]))
  table = {}
  for (first, second), run in groupby(ordered):
    table.setdefault(first, {})[second] = sum(1 for _ in run)
  return table


def generate_text(model, prompt, length, seed=None):
  out = prompt.split()
  if not out:
    raise ValueError("need at least one word")
  gen = np.random.default_rng(seed)
  for _ in range(max(length, 0)):
    nxt = model.get(out[-1], {})
    if len(nxt) == 0:
      break
    options = list(nxt.keys())
    weights = np.array([nxt[o] for o in options], dtype=float)
    pick = gen.choice(len(options), p=weights / weights.sum())
    out.append(options[pick])
  return " ".join(out)
