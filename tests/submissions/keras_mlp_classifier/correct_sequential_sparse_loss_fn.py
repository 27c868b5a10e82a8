"""Correct alternative: Sequential built layer by layer with a named ReLU layer, Adam with a custom learning rate and amsgrad, a SparseCategoricalCrossentropy object; one-hot rows turned into ids with argmax; predict_classes with model.predict and np.argmax. Expected: 100 points."""

from __future__ import annotations

import keras
import numpy as np


def build_mlp(input_shape, num_classes, hidden_units=512):
    model = keras.Sequential(name="mlp")
    model.add(keras.layers.InputLayer(shape=input_shape))
    model.add(keras.layers.Dense(hidden_units, kernel_initializer="he_uniform"))
    model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3, amsgrad=True),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model


def _ids(y):
    y = np.asarray(y)
    return (np.argmax(y, axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1)).astype("int32")


def train(model, x_train, y_train, x_val, y_val, epochs=10, batch_size=64):
    return model.fit(x=np.asarray(x_train), y=_ids(y_train), batch_size=batch_size, epochs=epochs,
                     validation_data=(np.asarray(x_val), _ids(y_val)), shuffle=True, verbose=0)


def predict_classes(model, x):
    return model.predict(np.asarray(x), batch_size=512, verbose=0).argmax(axis=-1).astype(int)
