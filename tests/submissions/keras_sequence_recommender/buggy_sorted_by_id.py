"""Buggy: recommend_top_k picks the k best-scored candidates but then returns them sorted by item id instead of best first."""

from __future__ import annotations

import keras
import numpy as np
from keras.layers import LSTM, Concatenate, Dense, Embedding, Flatten, Input


def build_recommender(num_users, num_items, history_len, embedding_dim=16):
    """A compiled model scoring (user, history, candidate) triples with a probability of interaction."""
    user = Input(shape=(1,), dtype="int32", name="user")
    history = Input(shape=(history_len,), dtype="int32", name="history")
    candidate = Input(shape=(1,), dtype="int32", name="candidate")

    user_vector = Flatten()(Embedding(num_users, embedding_dim, name="user_embedding")(user))
    # Item ids are 1..num_items and 0 is padding: num_items + 1 rows, row 0 masked out of the LSTM.
    history_items = Embedding(num_items + 1, embedding_dim, mask_zero=True, name="history_embedding")(history)
    history_vector = LSTM(32)(history_items)  # (B, L, d) -> (B, 32): the sequence, read oldest first
    candidate_vector = Flatten()(Embedding(num_items + 1, embedding_dim, name="candidate_embedding")(candidate))

    x = Concatenate()([user_vector, history_vector, candidate_vector])
    x = Dense(32, activation="relu")(x)  # a hidden layer: the score depends on history x candidate
    output = Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs={"user": user, "history": history, "candidate": candidate}, outputs=output)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_recommender(model, inputs, labels, epochs=5, batch_size=64):
    """Fit the model on the arrays it is given."""
    return model.fit(inputs, np.asarray(labels, dtype="float32"), epochs=epochs, batch_size=batch_size, verbose=0)


def recommend_top_k(model, user_id, history, candidate_items, k):
    """The k best-scored candidates not already in the history, best first."""
    seen = {int(i) for i in np.asarray(history).reshape(-1) if int(i) != 0}
    items = [int(i) for i in candidate_items if int(i) not in seen]
    if not items or k <= 0:
        return []
    n = len(items)
    inputs = {
        "user": np.full((n, 1), user_id, dtype="int32"),
        "history": np.repeat(np.asarray(history, dtype="int32").reshape(1, -1), n, axis=0),
        "candidate": np.asarray(items, dtype="int32").reshape(n, 1),
    }
    scores = np.asarray(model.predict(inputs, verbose=0)).reshape(-1)
    order = np.argsort(-scores, kind="stable")[:k]
    return sorted(items[i] for i in order)
