"""Correct alternative: `from tensorflow import keras`, functional API, global average pooling head,
np.expand_dims + astype('float32') / 255, evaluate() list output, eager model call for keywords.
Expected: 100 points."""

import numpy as np
from tensorflow import keras


def preprocess(images):
    return np.expand_dims(images.astype("float32") / 255, axis=-1)


def create_model(input_shape=(28, 28, 1), num_classes=10):
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(32, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="kws_cnn")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train_and_evaluate(model, x_train, y_train, x_test, y_test, epochs=1, batch_size=32):
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    return test_loss, test_acc


def predict_keywords(model, x, labels):
    scores = np.asarray(model(x, training=False))
    return [labels[k] for k in scores.argmax(axis=-1).tolist()]
