"""Probes for keras_cnn_input_shape: run the student's Keras pipeline on synthetic patches.

Every probe builds its inputs from its own ``np.random.default_rng`` (so the
student's random calls cannot shift them), reseeds Keras before building a
model, keeps models and data tiny and returns raw evidence: arrays, numbers,
shapes as lists. The checks judge it.
"""

from __future__ import annotations

import math

import numpy as np

from grader.probing import probe

N_TRAIN = 256
N_TEST = 128


def _keras():
    """Import TensorFlow with one thread per pool, seed it, and return ``keras``."""
    import tensorflow as tf

    try:  # only possible before TensorFlow initialises its runtime
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    import keras

    keras.utils.set_random_seed(0)
    return keras


def _shape(shape):
    """A Keras shape as a list (``None`` for the batch axis); anything odd as its repr."""
    try:
        return [None if d is None else int(d) for d in shape]
    except (TypeError, ValueError):
        return repr(shape)[:120]


def _plain(value):
    """Numbers (Python, numpy or tensors) as floats, sequences element-wise, the rest as a repr."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return repr(value)[:120]
    if isinstance(value, bool):
        return value
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - an object numpy cannot read: describe it
        return repr(value)[:120]
    if array.dtype.kind in "iuf" and array.size == 1:
        return float(array.reshape(-1)[0])
    if array.dtype.kind in "iuf":
        return [float(v) for v in array.reshape(-1)[:8]]
    return repr(value)[:120]


def _word(item):
    if isinstance(item, str):
        return str(item)
    if isinstance(item, bytes):
        return {"bytes": item.decode("utf-8", "replace")}
    if isinstance(item, (bool, int, float, np.number)):
        return item.item() if isinstance(item, np.number) else item
    return {"repr": repr(item)[:60]}


def _quadrant_patches(rng, n):
    """Dark noisy patches with one bright quadrant; the label is the quadrant (0..3)."""
    labels = rng.integers(0, 4, n)
    images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 2)
        images[i, r * 14:(r + 1) * 14, c * 14:(c + 1) * 14] = rng.integers(150, 256, (14, 14))
    return (images.astype(np.float32) / 255.0)[..., None], labels.astype(np.int64)


@probe("preprocess", cases=[{"n": 4, "h": 28, "w": 28}, {"n": 3, "h": 20, "w": 36}], timeout=20)
def preprocess(student, n, h, w):
    """The student's preprocess on random uint8 patches (with a 0 and a 255 pixel)."""
    rng = np.random.default_rng(1000 + h * w + n)
    images = rng.integers(0, 256, (n, h, w), dtype=np.uint8)
    images[0, 0, 0], images[-1, -1, -1] = 0, 255
    return student.preprocess(images.copy())


_SHAPES = [{}, {"input_shape": [32, 32, 1], "num_classes": 5}, {"input_shape": [28, 36, 1], "num_classes": 3}]


def _create(student, input_shape=None, num_classes=None):
    if input_shape is None:
        return student.create_model()
    return student.create_model(input_shape=tuple(input_shape), num_classes=num_classes)


@probe("build", cases=_SHAPES, timeout=20)
def build(student, input_shape=None, num_classes=None):
    """The declared input and output shapes of create_model(...) (defaults when no arguments)."""
    _keras()
    model = _create(student, input_shape, num_classes)
    return {"input_shape": _shape(model.input_shape), "output_shape": _shape(model.output_shape)}


@probe("forward", cases=[{"input_shape": [28, 28, 1], "num_classes": 10},
                         {"input_shape": [28, 28, 1], "num_classes": 5}], timeout=20)
def forward(student, input_shape, num_classes):
    """The model's outputs for 8 random patches in [0, 1]."""
    _keras()
    x = np.random.default_rng(7).random((8, *input_shape), dtype=np.float32)
    model = _create(student, input_shape, num_classes)
    return model(x, training=False)  # an eager call: no tf.function to trace


@probe("fit", timeout=30)
def fit(student):
    """One epoch of model.fit on 64 random 28x28x1 patches with integer labels, default create_model()."""
    _keras()
    rng = np.random.default_rng(11)
    x = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    model = student.create_model()
    model.run_eagerly = True  # two steps: tracing a graph would cost more than running them
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    return {"loss": [float(v) for v in history.history.get("loss", [])]}


@probe("loss", timeout=20)
def loss(student):
    """The compiled loss evaluated on fixed probability rows and integer labels."""
    keras = _keras()
    rng = np.random.default_rng(5)
    logits = rng.normal(0.0, 1.5, (16, 4))
    probabilities = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(np.float32)
    labels = rng.integers(0, 4, 16)
    model = student.create_model(input_shape=(28, 28, 1), num_classes=4)
    compiled = getattr(model, "loss", None)
    evidence = {"probabilities": probabilities, "labels": labels, "compiled": compiled is not None,
                "value": None, "error": None}
    if compiled is None:
        return evidence
    try:  # a loss that cannot take integer labels is itself the observation
        value = keras.losses.get(compiled)(labels, probabilities)
        evidence["value"] = float(np.mean(np.asarray(value)))
    except Exception as e:  # noqa: BLE001
        evidence["error"] = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:160] if str(e).strip() else ''}"
    return evidence


@probe("train", cases=[{"permuted": False}, {"permuted": True}], timeout=40)
def train(student, permuted):
    """train_and_evaluate on the 4-class bright-quadrant task, then the trained model's test predictions.

    ``permuted``: the test labels are shuffled, so the true test accuracy is
    near chance while the training accuracy is not.
    """
    _keras()
    rng = np.random.default_rng(2024)
    x_train, y_train = _quadrant_patches(rng, N_TRAIN)
    x_test, y_test = _quadrant_patches(rng, N_TEST)
    if permuted:
        y_test = rng.permutation(y_test)
    epochs, batch_size = (1, 64) if permuted else (3, 32)
    model = student.create_model(input_shape=(28, 28, 1), num_classes=4)
    if permuted:  # four steps: cheaper eagerly than traced (a student's own compile() undoes this, harmlessly)
        model.run_eagerly = True
    result = student.train_and_evaluate(model, x_train, y_train, x_test, y_test,
                                        epochs=epochs, batch_size=batch_size)
    probabilities = model(x_test, training=False)
    optimizer = getattr(model, "optimizer", None)
    iterations = getattr(optimizer, "iterations", None)
    return {
        "result": _plain(result),
        "result_type": type(result).__name__,
        "probabilities": probabilities,
        "y_test": y_test,
        "iterations": None if iterations is None else int(np.asarray(iterations)),
        "expected_iterations": epochs * math.ceil(N_TRAIN / batch_size),
    }


@probe("keywords", cases=[{"labels": ["yes", "no", "up", "down", "left"]},
                          {"labels": ["stop", "go", "off"]}], timeout=20)
def keywords(student, labels):
    """predict_keywords on a fixed linear softmax model, plus that model's own probabilities."""
    keras = _keras()
    rng = np.random.default_rng(len(labels))
    weights = rng.normal(0.0, 0.3, (28 * 28, len(labels)))
    weights -= weights.mean(axis=0, keepdims=True)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(len(labels), activation="softmax"),
    ])
    model.layers[-1].set_weights([weights.astype(np.float32), np.zeros(len(labels), np.float32)])
    x = rng.random((24, 28, 28, 1), dtype=np.float32)
    words = student.predict_keywords(model, x.copy(), list(labels))
    probabilities = model(x, training=False)
    if isinstance(words, (list, tuple, np.ndarray)):
        items = [_word(w) for w in list(words)]
    else:
        items = None
    return {"type": type(words).__name__, "words": items, "probabilities": probabilities}
