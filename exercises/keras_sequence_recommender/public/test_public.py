"""Public checks: the model builds and takes the three inputs; recommend_top_k's contract (students see these)."""

import pytest

from grader.checking import fail


def _recurrent_on_2d(error):
    if error is None or error.type != "ValueError":
        return False
    text = error.message.lower()
    return "expected ndim=3, found ndim=2" in text and any(w in text for w in ("lstm", "gru", "rnn"))


@pytest.mark.points(10)
@pytest.mark.bug("flatten-not-imported")
@pytest.mark.bug("lstm-on-2d")
def test_model_builds(observe):
    """build_recommender(num_users=40, num_items=30, history_len=6, embedding_dim=8) returns a compiled keras.Model."""
    error = observe.error("build")
    if error is not None and error.type == "NameError" and "'Flatten'" in error.message:
        fail("Flatten is used but never imported: import it with the other layers "
             "(from keras.layers import Flatten).", bug="flatten-not-imported")
    if _recurrent_on_2d(error):
        fail("Building the model failed because a recurrent layer (LSTM) was given a 2-D tensor; it needs a "
             "3-D sequence (batch, time steps, features), such as the embedded history.", bug="lstm-on-2d")
    built = observe("build")
    if built["output_shape"] not in ([None, 1], None):
        fail(f"The model should output one score per example, shape (None, 1), but it declares "
             f"{tuple(built['output_shape'])}.")
    if not built["compiled"]:
        fail("build_recommender should return a compiled model (model.compile(...) with binary cross-entropy).")


@pytest.mark.points(5)
def test_recommend_excludes_history(observe):
    """recommend_top_k returns at most k distinct candidates, none of them already in the history."""
    for case in [{"user": 3, "k": 5, "seed": 1}, {"user": 11, "k": 3, "seed": 2}, {"user": 7, "k": 20, "seed": 3}]:
        seen = observe("recommend", **case)
        returned = seen["returned"]
        if returned is None:
            fail(f"recommend_top_k should return a list of item ids (int), but it returned a {seen['type']}.")
        odd = [i for i in returned if not isinstance(i, int)]
        if odd:
            fail(f"recommend_top_k should return a list of item ids (int), but its items look like {odd[0]}.")
        history = {int(i) for i in seen["history"] if i != 0}
        candidates = seen["candidates"]
        unseen = [i for i in candidates if i not in history]
        if any(i in history for i in returned):
            fail("recommend_top_k recommended an item that is already in the user's history; leave those out.")
        if any(i not in candidates for i in returned):
            fail("recommend_top_k returned an item that is not one of candidate_items.")
        if len(set(returned)) != len(returned):
            fail("recommend_top_k returned the same item twice.")
        want = min(case["k"], len(unseen))
        if len(returned) != want:
            fail(f"With k={case['k']} and {len(unseen)} candidates not in the history, recommend_top_k should "
                 f"return {want} items, but it returned {len(returned)}.")
