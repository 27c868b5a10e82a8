"""Correct alternative: `import keras`, strided convolutions instead of pooling, batch normalisation,
the loss given as a function, metrics=["acc"], x[..., None], and test loss / accuracy computed by hand
from predict() with numpy. Expected: 100 points."""

import keras
import numpy as np


def preprocess(images):
    return (images / np.float32(255))[..., None].astype(np.float32)


def create_model(input_shape=(28, 28, 1), num_classes=10):
    model = keras.Sequential(name="keyword_spotter")
    model.add(keras.Input(input_shape))
    model.add(keras.layers.Conv2D(24, 3, strides=2, activation="relu"))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Conv2D(48, 3, strides=2, activation="relu"))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(num_classes, activation=keras.activations.softmax))
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.sparse_categorical_crossentropy,
                  metrics=["acc"])
    return model


def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0)
    probabilities = model.predict(x_test, verbose=0).astype(np.float64)
    labels = np.asarray(y_test).astype(int)
    picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
    test_loss = float(-np.log(picked).mean())
    test_accuracy = float((probabilities.argmax(axis=1) == labels).mean())
    return test_loss, test_accuracy


def predict_keywords(model, x, labels):
    words = []
    for row in model.predict(x, verbose=0):
        words.append(labels[int(np.argmax(row))])
    return words
