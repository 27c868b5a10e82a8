"""Probes (run in the sandboxed worker, next to the student's code): call it, return plain data.

They hold no expected value and judge nothing: the checks do that, in the trusted process. Import
TensorFlow and Keras inside each probe (warm workers import them once, before the student's code, and
must run no TensorFlow op before they fork). Build data with ``np.random.default_rng`` so that the
student's own random calls cannot shift it.
"""

import numpy as np

from grader.probing import array, probe, seed_everything, type_name

DIM, CLASSES = 4, 3


def _keras():
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # already set in this process
        pass
    import keras

    return keras


def _data(n, seed):
    """n inputs and labels that a small network can learn (class = argmax of the first 3 features)."""
    inputs = np.random.default_rng(seed).normal(size=(n, DIM)).astype("float32")
    return inputs, inputs[:, :CLASSES].argmax(axis=1)


@probe("probabilities", cases=[{"n": 2}, {"n": 6}])
def probabilities(student, n):
    """The student's model on n inputs: its type and its output."""
    _keras()
    model = student.build_classifier(DIM, CLASSES)
    inputs, _ = _data(n, seed=n)
    return {"type": type_name(model), "output": array(model(inputs, training=False), dtype="float64")}


@probe("predict")
def predict(student):
    """predict_classes with a fixed model (one softmax layer of seeded weights) on 7 inputs."""
    keras = _keras()
    rng = np.random.default_rng(5)
    model = keras.Sequential([keras.Input(shape=(DIM,)), keras.layers.Dense(CLASSES, activation="softmax")])
    model.layers[-1].set_weights([rng.normal(size=(DIM, CLASSES)).astype("float32"),
                                  np.zeros(CLASSES, dtype="float32")])
    inputs, _ = _data(7, seed=6)
    return array(student.predict_classes(model, inputs))


@probe("learns", timeout=60)
def learns(student):
    """The student's compiled model after model.fit (8 epochs of 128 samples): accuracy on new data."""
    _keras()
    seed_everything(0)
    model = student.build_classifier(DIM, CLASSES)
    inputs, labels = _data(128, seed=7)
    model.fit(inputs, labels, epochs=8, batch_size=32, verbose=0)
    test_inputs, test_labels = _data(256, seed=8)
    predicted = np.argmax(np.asarray(model(test_inputs, training=False)), axis=-1)
    return {"accuracy": float((predicted == test_labels).mean())}
