"""Correct alternative: compiled with sparse categorical cross-entropy; train turns one-hot rows into class ids
with argmax instead. Expected: 100 points."""

import keras
import numpy as np


def build_mlp(input_shape, num_classes, hidden_units=512):
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _ids(y):
    y = np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 else y.astype(int)


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    return model.fit(x_train, _ids(y_train), epochs=epochs, batch_size=batch_size,
                     validation_data=(x_val, _ids(y_val)), verbose=0)


def predict_classes(model, x):
    return model.predict(x, verbose=0).argmax(axis=-1)
