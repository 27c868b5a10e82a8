"""Hidden check of recommend_top_k: the unseen candidates with the best scores, best first."""

import numpy as np
import pytest

from grader.checking import fail

CASES = [{"user": 3, "k": 5, "seed": 1}, {"user": 11, "k": 3, "seed": 2}, {"user": 7, "k": 20, "seed": 3}]


@pytest.mark.points(10)
def test_recommend_ranks_by_score(observe):
    """recommend_top_k returns the k unseen candidates the model scores highest, best first."""
    for case in CASES:
        seen = observe("recommend", **case)
        returned = seen["returned"]
        if returned is None:
            fail(f"recommend_top_k should return a list of item ids (int), but it returned a {seen['type']}.")
        odd = [i for i in returned if not isinstance(i, int)]
        if odd:
            fail(f"recommend_top_k should return a list of item ids (int), but its items look like {odd[0]}.")
        history = {int(i) for i in seen["history"] if i != 0}
        scores = dict(zip(seen["candidates"], seen["scores"].astype(np.float64), strict=True))
        unseen = sorted((i for i in seen["candidates"] if i not in history), key=lambda i: -scores[i])
        want = unseen[: case["k"]]
        if returned == want:
            continue
        if sorted(returned) == sorted(want):
            fail("recommend_top_k returned the right items but not best first: sort them by the model's "
                 "score, highest first.")
        if [i for i in returned if i in scores] == want[::-1]:
            fail("recommend_top_k returned the items in ascending order of score; the best item comes first.")
        fail(f"recommend_top_k(model, user_id={case['user']}, ...) should return the {case['k']} unseen "
             "candidates that the model scores highest for that user and history, but it returned other "
             "items. Score every candidate with this user and this history.")
