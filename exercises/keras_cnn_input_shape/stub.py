"""Keyword spotting on spectrogram patches with a small Keras CNN.

Fill in every function; the docstrings are the contract (see README.md).
"""

from __future__ import annotations

import numpy as np


def preprocess(images: np.ndarray) -> np.ndarray:
    """Turn uint8 patches of shape (N, H, W) into float32 of shape (N, H, W, 1) with values in [0, 1].

    Each pixel p becomes p / 255; the trailing axis of size 1 is the single channel.
    """
    raise NotImplementedError


def create_model(input_shape=(28, 28, 1), num_classes=10):
    """Build and compile a CNN classifier for inputs of shape ``input_shape`` (H, W, 1).

    The returned keras.Model declares its input, so ``model.input_shape == (None, *input_shape)``
    and ``model.output_shape == (None, num_classes)``; its last layer is a softmax; it is compiled
    with the sparse categorical cross-entropy loss (integer labels) and an accuracy metric.
    """
    raise NotImplementedError


def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    """Train ``model`` on (x_train, y_train) for ``epochs`` epochs of ``batch_size`` examples,
    then return ``(test_loss, test_accuracy)`` measured on (x_test, y_test), as two floats.
    """
    raise NotImplementedError


def predict_keywords(model, x, labels):
    """Return the recognised word for each input in ``x`` (already preprocessed).

    Word i is ``labels[k]`` where k is the class the model finds most probable for ``x[i]``;
    the result is a list of str with one entry per input.
    """
    raise NotImplementedError
