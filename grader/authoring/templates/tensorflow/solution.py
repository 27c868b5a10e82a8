"""Reference solution: scores full marks; every mutant is this file with one known bug put back."""

import keras
import numpy as np


def build_classifier(input_dim, num_classes):
    """A compiled Keras model mapping (n, input_dim) inputs to (n, num_classes) class probabilities."""
    model = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def predict_classes(model, inputs):
    """The most probable class of each row of inputs: an integer array of shape (n,)."""
    return np.argmax(model(inputs, training=False), axis=-1)
