# expect-bugs: task-mismatch  (a catalogued bug under another name: its report must name exactly this one)
"""Buggy: predict_keywords returns the predicted class ids instead of the words (no text is produced).
Should fail: test_predict_keywords_returns_words (tagged task-mismatch)."""

from __future__ import annotations

import keras
import numpy as np


def preprocess(images: np.ndarray) -> np.ndarray:
    """uint8 patches (N, H, W) -> float32 (N, H, W, 1) scaled to [0, 1]."""
    x = np.asarray(images).astype(np.float32) / np.float32(255.0)
    return x[..., np.newaxis]


def create_model(input_shape: tuple[int, int, int] = (28, 28, 1), num_classes: int = 10) -> keras.Model:
    """A compiled CNN for inputs of ``input_shape`` with a softmax over ``num_classes``."""
    model = keras.Sequential(
        [
            keras.Input(shape=tuple(input_shape)),
            keras.layers.Conv2D(16, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    """Fit on the training arrays, then return (test_loss, test_accuracy) on the test arrays."""
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    results = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0, return_dict=True)
    return float(results["loss"]), float(results["accuracy"])


def predict_keywords(model, x, labels: list[str]) -> list[str]:
    """The recognised word for each input: the most probable class, looked up in ``labels``."""
    probabilities = model.predict(x, verbose=0)
    return list(np.argmax(probabilities, axis=1))
