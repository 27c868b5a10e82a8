"""A sequence-aware recommender: an LSTM (or GRU) over the user's item history, in Keras 3.

Fill in every function; the docstrings are the contract (see README.md).
"""

from __future__ import annotations


def build_recommender(num_users, num_items, history_len, embedding_dim=16):
    """Build and compile a model that scores how likely a user is to interact with a candidate item.

    Ids: users are 0 .. num_users - 1; items are 1 .. num_items; item id 0 is padding.
    The model takes a dict of int32 arrays:
        "user":      (B, 1)            the user's id
        "history":   (B, history_len)  the items the user interacted with, oldest first, left-padded with 0
        "candidate": (B, 1)            the item to score
    and returns (B, 1) probabilities (a sigmoid). It embeds the ids with keras.layers.Embedding, reads
    the embedded history with a recurrent layer (LSTM or GRU) that ignores the padding, combines it with
    the user and the candidate, and is compiled with binary cross-entropy.
    """
    raise NotImplementedError


def train_recommender(model, inputs, labels, epochs=5, batch_size=64):
    """Train ``model`` on ``inputs`` (a dict as above, N rows) and ``labels`` ((N,) 0/1) for ``epochs``
    epochs of ``batch_size`` examples; return the keras History.
    """
    raise NotImplementedError


def recommend_top_k(model, user_id, history, candidate_items, k):
    """Return the ids of the (at most) ``k`` items of ``candidate_items`` that ``model`` scores highest for
    this user and this history, best first, leaving out items already in ``history``.

    ``history`` is one row as the model takes it: a 1-D int array of length history_len, left-padded
    with 0. The result is a list of int.
    """
    raise NotImplementedError
