"""Buggy: train fits the model correctly but returns the model itself instead of the keras History."""

from __future__ import annotations

import keras
import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential


def build_mlp(input_shape, num_classes, hidden_units=512):
    """A compiled MLP: input_shape -> Dense(hidden_units, relu) -> Dense(num_classes, softmax)."""
    model = Sequential()
    model.add(Input(shape=tuple(input_shape)))  # input_shape is already a tuple such as (20,)
    model.add(Dense(units=hidden_units, activation="relu"))
    model.add(Dense(units=num_classes, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _one_hot(labels, num_classes):
    """(N,) class ids or (N, C) one-hot rows -> (N, C) one-hot float32 rows."""
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == num_classes:
        return labels.astype("float32")
    return keras.utils.to_categorical(labels.reshape(-1).astype("int64"), num_classes).astype("float32")


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    """Fit with validation data; categorical cross-entropy needs one-hot targets, so convert class ids."""
    num_classes = model.output_shape[-1]
    model.fit(
        x_train, _one_hot(y_train, num_classes),
        validation_data=(x_val, _one_hot(y_val, num_classes)),
        epochs=epochs, batch_size=batch_size, verbose=0,
    )
    return model


def predict_classes(model, x):
    """The most probable class of each row of x, as int64."""
    return np.argmax(model.predict(x, verbose=0), axis=1).astype("int64")
