"""Hidden checks of build_recommender: scores, id ranges, the history's influence, the padding mask."""

import re

import numpy as np
import pytest

from grader.checking import describe, fail

VOCABS = [
    {"num_users": 1200, "num_items": 1500, "history_len": 6, "embedding_dim": 8},
    {"num_users": 2500, "num_items": 12000, "history_len": 7, "embedding_dim": 8},
]
_BOUND = re.compile(r"is not in \[0, (\d+)\)")


def _recurrent_on_2d(error):
    """A recurrent layer was given a 2-D tensor: the symptom of an LSTM applied to a flat vector."""
    if error is None or error.type != "ValueError":
        return False
    text = error.message.lower()
    return "expected ndim=3, found ndim=2" in text and any(w in text for w in ("lstm", "gru", "rnn"))


def _probabilities(out, n, what):
    if not isinstance(out, np.ndarray) or out.shape not in ((n, 1), (n,)):
        fail(f"{what} should give one score per row, shape ({n}, 1), but it gave {describe(out)}.")
    values = out.astype(np.float64)
    if not np.isfinite(values).all() or values.min() < 0.0 or values.max() > 1.0:
        fail(f"{what} should give probabilities in [0, 1] (a sigmoid output), but it gave {describe(out)}.")
    return values.reshape(-1)


@pytest.mark.points(15)
@pytest.mark.bug("lstm-on-2d")
def test_scores_a_batch_of_histories(observe):
    """The model maps a batch of (user, history of shape (B, L), candidate) to (B, 1) probabilities."""
    error = observe.error("forward")
    if _recurrent_on_2d(error):
        fail("Your LSTM was given a 2-D tensor (batch, features), but a recurrent layer needs a 3-D sequence "
             "(batch, time steps, features): run it over the embedded history (B, L, d), not over a flat "
             "vector.", bug="lstm-on-2d")
    seen = observe("forward")
    _probabilities(seen["scores"], 6, "The model, called on a batch of 6 (user, history, candidate) triples,")


@pytest.mark.points(10)
@pytest.mark.bug("hardcoded-vocab-1000")
def test_large_ids_are_in_range(observe):
    """User ids up to num_users - 1 and item ids up to num_items are all valid inputs."""
    for case in VOCABS:
        error = observe.error("vocab", **case)
        found = _BOUND.search(error.message) if error is not None else None
        if found:
            bound = int(found.group(1))
            sizes = f"num_users={case['num_users']}, num_items={case['num_items']}"
            if bound == case["num_items"]:
                fail(f"With {sizes}, the item id num_items was out of range of an embedding table of "
                     f"{bound} rows: item ids run from 1 to num_items and 0 is padding, so an item table "
                     "needs num_items + 1 rows.")
            arguments = {case[key] + d for key in case for d in (0, 1)}
            if bound not in arguments:
                fail(f"With {sizes}, an id was out of range of an embedding table of only {bound} rows, a "
                     "size that does not come from the arguments: size every embedding from num_users and "
                     "num_items.", bug="hardcoded-vocab-1000")
            fail(f"With {sizes}, an id was out of range of an embedding table of {bound} rows: the user table "
                 "needs num_users rows and an item table num_items + 1 rows.")
        out = observe("vocab", **case)
        _probabilities(out, 4, f"With num_users={case['num_users']} and num_items={case['num_items']}, the model")


@pytest.mark.points(15)
@pytest.mark.bug("no-history-modelling")
def test_history_changes_the_score(observe):
    """For the same user and candidate, another history gives another score."""
    seen = observe("forward")
    first = _probabilities(seen["scores"], 6, "The model")
    other = _probabilities(seen["other_history"], 6, "The model")
    change = float(np.abs(first - other).max())
    if change <= 1e-6:
        fail("The scores did not change at all when only the users' histories changed: the model ignores the "
             "history, so it cannot recommend from past behaviour. Run the LSTM over the embedded history and "
             "feed its output into the score.", bug="no-history-modelling")


@pytest.mark.points(10)
def test_padding_is_masked(observe):
    """The padding id 0 has no influence on the score (the history's padding is masked)."""
    seen = observe("forward")
    if seen["embeddings"] == 0:
        fail("No keras.layers.Embedding was found in the model, so the padding could not be checked: embed "
             "the ids with keras.layers.Embedding (and mask the padding id 0).")
    first = _probabilities(seen["scores"], 6, "The model")
    perturbed = _probabilities(seen["perturbed"], 6, "The model")
    change = float(np.abs(first - perturbed).max())
    if change > 1e-5:
        fail(f"Changing the embedding of the padding id 0 changed the scores (by up to {change:.3g}) of "
             "histories with leading padding: the padding is read as if it were an item. Mask it, e.g. "
             "Embedding(..., mask_zero=True) before the LSTM.")
