"""Correct alternative: a functional model declared with a *list* of named inputs (Keras maps the dict by
name), tf.keras imports as in the snippet, two stacked LSTMs; recommend_top_k scores candidates one by one.
Expected: 100 points."""

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import LSTM, Concatenate, Dense, Embedding, Flatten, Input
from tensorflow.keras.models import Model


def build_recommender(num_users, num_items, history_len, embedding_dim=16):
    user_input = Input(shape=(1,), name="user")
    history_input = Input(shape=(history_len,), name="history")
    item_input = Input(shape=(1,), name="candidate")
    user_vec = Flatten()(Embedding(input_dim=num_users, output_dim=embedding_dim)(user_input))
    item_vec = Flatten()(Embedding(input_dim=num_items + 1, output_dim=embedding_dim)(item_input))
    seq = Embedding(input_dim=num_items + 1, output_dim=embedding_dim, mask_zero=True)(history_input)
    seq = LSTM(32, return_sequences=True)(seq)
    hist_vec = LSTM(32)(seq)
    merged = Concatenate()([user_vec, hist_vec, item_vec])
    hidden = Dense(64, activation="relu")(merged)
    output = Dense(1, activation="sigmoid")(hidden)
    model = Model(inputs=[user_input, history_input, item_input], outputs=output)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.002), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def train_recommender(model, inputs, labels, epochs=5, batch_size=64):
    return model.fit(inputs, labels, batch_size=batch_size, epochs=epochs, verbose=0)


def recommend_top_k(model, user_id, history, candidate_items, k):
    history = [int(h) for h in history]
    scored = []
    for item in candidate_items:
        if item in history:
            continue
        x = {"user": np.array([[user_id]]), "history": np.array([history]), "candidate": np.array([[item]])}
        scored.append((float(model(x)[0, 0]), int(item)))
    scored.sort(reverse=True)
    return [item for _, item in scored[:k]]
