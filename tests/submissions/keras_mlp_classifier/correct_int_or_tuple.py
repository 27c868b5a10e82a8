"""Correct alternative: accepts an int or a tuple for input_shape, uses input_shape= on the first Dense layer
(Keras 3 warns but it works), the seed's tf.keras imports and categorical cross-entropy with
keras.utils.to_categorical. Expected: 100 points."""

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential


def build_mlp(input_shape, num_classes, hidden_units=512):
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    model = Sequential()
    model.add(Dense(units=hidden_units, activation='relu', input_shape=tuple(input_shape)))
    model.add(Dense(units=num_classes, activation='softmax'))
    model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    n = model.output_shape[-1]
    if np.ndim(y_train) == 1:
        y_train = tf.keras.utils.to_categorical(y_train, n)
    if np.ndim(y_val) == 1:
        y_val = tf.keras.utils.to_categorical(y_val, n)
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, validation_data=(x_val, y_val),
                        verbose=0)
    return history


def predict_classes(model, x):
    return tf.argmax(model.predict(x, verbose=0), axis=1).numpy()
