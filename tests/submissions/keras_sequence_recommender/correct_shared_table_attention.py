"""Correct alternative: one item table shared by history and candidate (mask_zero on a separate lookup), an LSTM over the history, score = sigmoid(Dense over [user, lstm, candidate, Dot(lstm, candidate)]), Adam(lr=0.01), labels reshaped to (N, 1); recommend_top_k with np.isin and np.argsort(...)[::-1]. Expected: 100 points."""

from __future__ import annotations

import numpy as np
from tensorflow import keras


def build_recommender(num_users, num_items, history_len, embedding_dim=16):
    user_in = keras.Input(shape=(1,), dtype="int32", name="user")
    hist_in = keras.Input(shape=(history_len,), dtype="int32", name="history")
    cand_in = keras.Input(shape=(1,), dtype="int32", name="candidate")
    items = keras.layers.Embedding(num_items + 1, embedding_dim, mask_zero=True, name="items")
    users = keras.layers.Embedding(num_users, 8, name="users")
    state = keras.layers.LSTM(embedding_dim)(items(hist_in))
    cand = keras.layers.Flatten()(items(cand_in))
    user = keras.layers.Flatten()(users(user_in))
    match = keras.layers.Dot(axes=1)([state, cand])
    x = keras.layers.Concatenate()([user, state, cand, match])
    x = keras.layers.Dense(16, activation="tanh")(x)
    y = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model([user_in, hist_in, cand_in], y)
    model.compile(keras.optimizers.Adam(learning_rate=0.01), "binary_crossentropy")
    return model


def train_recommender(model, inputs, labels, epochs=5, batch_size=64):
    y = np.asarray(labels).astype("float32").reshape(-1, 1)
    return model.fit(dict(inputs), y, epochs=epochs, batch_size=batch_size, verbose=0)


def recommend_top_k(model, user_id, history, candidate_items, k):
    history = np.asarray(history, dtype="int32")
    cands = np.asarray(list(candidate_items), dtype="int32")
    cands = cands[~np.isin(cands, history[history > 0])]
    if cands.size == 0:
        return []
    n = cands.size
    scores = model.predict({"user": np.full((n, 1), user_id, "int32"),
                            "history": np.broadcast_to(history, (n, history.size)).copy(),
                            "candidate": cands.reshape(-1, 1)}, verbose=0).ravel()
    order = np.argsort(scores, kind="stable")[::-1][:k]
    return [int(c) for c in cands[order]]
