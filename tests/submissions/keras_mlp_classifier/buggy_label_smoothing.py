"""Buggy: categorical cross-entropy with label_smoothing=0.1 (a tutorial habit), though the statement asks for the plain loss: val_loss is not the cross-entropy of the model on the validation arrays."""

from __future__ import annotations

import keras
import numpy as np


def build_mlp(input_shape, num_classes, hidden_units=512):
    model = keras.Sequential([keras.Input(shape=input_shape),
                              keras.layers.Dense(hidden_units, activation="relu"),
                              keras.layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy"])
    return model


def _one_hot(y, n):
    y = np.asarray(y)
    return y.astype("float32") if y.ndim == 2 else keras.utils.to_categorical(y, n)


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    n = model.output_shape[-1]
    return model.fit(x_train, _one_hot(y_train, n), validation_data=(x_val, _one_hot(y_val, n)),
                     epochs=epochs, batch_size=batch_size, verbose=0)


def predict_classes(model, x):
    return np.argmax(model.predict(x, verbose=0), axis=1)
