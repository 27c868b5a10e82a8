"""An MLP classifier in Keras 3 that trains on integer class ids or one-hot labels.

Fill in every function; the docstrings are the contract (see README.md).
"""

from __future__ import annotations

import numpy as np


def build_mlp(input_shape, num_classes, hidden_units=512):
    """Build and compile an MLP classifier for samples of shape ``input_shape`` (a tuple such as (20,)).

    The model declares its input, so ``model.input_shape == (None, *input_shape)``; it has a hidden
    ReLU layer of ``hidden_units`` units and a softmax output of ``num_classes`` units
    (``model.output_shape == (None, num_classes)``); it is compiled with an Adam-type optimizer,
    the plain cross-entropy loss (no label smoothing) and ``metrics=["accuracy"]``.
    """
    raise NotImplementedError


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    """Train ``model`` on (x_train, y_train) for ``epochs`` epochs of ``batch_size`` examples, validating
    on (x_val, y_val) after each epoch, and return the keras History.

    Labels may be integer class ids of shape (N,) or one-hot rows of shape (N, num_classes); both must work.
    The History holds "loss", "accuracy", "val_loss" and "val_accuracy" for every epoch.
    """
    raise NotImplementedError


def predict_classes(model, x) -> np.ndarray:
    """Return the most probable class of each row of ``x``: an integer array of shape (N,)."""
    raise NotImplementedError
