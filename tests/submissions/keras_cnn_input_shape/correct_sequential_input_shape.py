"""Correct alternative: tf.keras.Sequential with input_shape= on the first layer (Keras 3 warns, works),
'same' padding, wider convolutions, dropout, a Loss object and SparseCategoricalAccuracy metric,
reshape() for the channel axis, np.float32 division. Expected: 100 points."""

import numpy as np
import tensorflow as tf


def preprocess(images):
    images = np.asarray(images)
    scaled = np.divide(images, 255.0, dtype=np.float32)
    return scaled.reshape(images.shape[0], images.shape[1], images.shape[2], 1)


def create_model(input_shape=(28, 28, 1), num_classes=10):
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        layers.Conv2D(32, (3, 3), padding="same", activation="relu", input_shape=input_shape),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dropout(0.25),
        layers.Dense(128, activation="relu"),
        layers.Dense(num_classes),
        layers.Softmax(),
    ])
    model.compile(
        optimizer="adam",
        loss=tf.keras.losses.SparseCategoricalCrossentropy(),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    return float(loss), float(accuracy)


def predict_keywords(model, x, labels):
    probabilities = model.predict(x, batch_size=64, verbose=0)
    return [labels[i] for i in np.argmax(probabilities, axis=1)]
