"""Probes for keras_mlp_classifier: build, call, train and predict with the student's MLP.

Every probe builds its inputs from its own ``np.random.default_rng`` (so the
student's random calls cannot shift them), seeds Keras before building a
model, keeps models and data tiny and returns raw evidence; the checks judge it.
"""

from __future__ import annotations

import math

import numpy as np

from grader.probing import probe

FIT_TRAIN, FIT_VAL, FIT_EPOCHS, FIT_BATCH = 96, 40, 2, 32
BLOB_DIM, BLOB_CLASSES, BLOB_TRAIN, BLOB_VAL, BLOB_EPOCHS, BLOB_BATCH = 20, 3, 300, 150, 5, 32


def _keras(seed=0):
    """Import TensorFlow with one thread per pool, seed it, and return ``keras``."""
    import tensorflow as tf

    try:  # only possible before TensorFlow initialises its runtime
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
    import keras

    keras.utils.set_random_seed(seed)
    return keras


def _shape(shape):
    """A Keras shape as a list (``None`` for the batch axis); anything odd as its repr."""
    try:
        return [None if d is None else int(d) for d in shape]
    except (TypeError, ValueError):
        return repr(shape)[:120]


def _one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[labels]


def _history(history):
    """A keras History (or a dict of lists) as {metric: [floats]}; None if it is neither."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        return None
    out = {}
    for key, values in list(logs.items())[:20]:
        try:
            out[str(key)] = [float(np.asarray(v)) for v in list(values)[:50]]
        except (TypeError, ValueError):
            out[str(key)] = None
    return out


def _iterations(model):
    optimizer = getattr(model, "optimizer", None)
    iterations = getattr(optimizer, "iterations", None)
    return None if iterations is None else int(np.asarray(iterations))


def blobs(rng, n, dim=BLOB_DIM, classes=BLOB_CLASSES):
    """n points of ``classes`` Gaussian blobs in ``dim`` dimensions (centres about 9 sigma apart)."""
    centres = rng.normal(0.0, 1.5, (classes, dim))
    labels = rng.integers(0, classes, n)
    x = centres[labels] + rng.normal(0.0, 1.0, (n, dim))
    return x.astype(np.float32), labels.astype(np.int64), centres


_SHAPES = [{"input_shape": [20], "num_classes": 3}, {"input_shape": [7], "num_classes": 5}]


@probe("build", cases=_SHAPES, timeout=30)
def build(student, input_shape, num_classes):
    """The declared input and output shapes of build_mlp(input_shape, num_classes)."""
    _keras()
    model = student.build_mlp(tuple(input_shape), num_classes)
    return {"input_shape": _shape(model.input_shape), "output_shape": _shape(model.output_shape),
            "compiled": getattr(model, "loss", None) is not None}


@probe("forward", timeout=30)
def forward(student):
    """The model's outputs for 12 random rows, and predict_classes on the same rows."""
    _keras()
    x = np.random.default_rng(3).normal(0.0, 2.0, (12, 20)).astype(np.float32)
    model = student.build_mlp((20,), 3, hidden_units=16)
    probabilities = model(x, training=False)
    classes = student.predict_classes(model, x.copy())
    evidence = {"probabilities": probabilities, "type": type(classes).__name__, "classes": None}
    if isinstance(classes, (list, tuple)):
        classes = np.asarray(classes)
    if hasattr(classes, "numpy") and not isinstance(classes, np.ndarray):
        classes = classes.numpy()
    if isinstance(classes, np.ndarray) and classes.dtype.kind in "biuf":
        evidence["classes"] = classes
    return evidence


@probe("fit", cases=[{"labels": "int"}, {"labels": "onehot"}], timeout=30)
def fit(student, labels):
    """train(...) for 2 epochs of batch 32 on 96 rows, with integer or one-hot labels (eager: 6 steps);
    the History and the trained model's outputs on the validation rows."""
    _keras()
    rng = np.random.default_rng(17)
    x_train, y_train, centres = blobs(rng, FIT_TRAIN)
    # Validation rows with random labels, so that metrics measured on anything else (a validation_split
    # of the training rows, say) cannot agree with them by chance.
    y_val = rng.integers(0, BLOB_CLASSES, FIT_VAL)
    x_val = (centres[rng.integers(0, BLOB_CLASSES, FIT_VAL)] + rng.normal(0, 1, (FIT_VAL, BLOB_DIM)))
    x_val = x_val.astype(np.float32)
    model = student.build_mlp((BLOB_DIM,), BLOB_CLASSES, hidden_units=32)
    model.run_eagerly = True  # six steps: cheaper than tracing a graph (a compile() in train undoes it, harmlessly)
    if labels == "int":
        targets, val_targets = y_train.copy(), y_val.copy()
    else:
        targets, val_targets = _one_hot(y_train, BLOB_CLASSES), _one_hot(y_val, BLOB_CLASSES)
    history = student.train(model, x_train.copy(), targets, x_val.copy(), val_targets,
                            epochs=FIT_EPOCHS, batch_size=FIT_BATCH)
    return {
        "history": _history(history),
        "history_type": type(history).__name__,
        "iterations": _iterations(model),
        "expected_iterations": FIT_EPOCHS * math.ceil(FIT_TRAIN / FIT_BATCH),
        "epochs": FIT_EPOCHS,
        "val_probabilities": model(x_val, training=False),
        "y_val": y_val,
    }


@probe("learn", cases=[{"seed": 0}], timeout=40)
def learn(student, seed):
    """build_mlp + train (5 epochs, one-hot labels) on three Gaussian blobs; the model's validation outputs."""
    _keras(seed)
    rng = np.random.default_rng(2000 + seed)
    x_train, y_train, centres = blobs(rng, BLOB_TRAIN)
    y_val = rng.integers(0, BLOB_CLASSES, BLOB_VAL)
    x_val = (centres[y_val] + rng.normal(0.0, 1.0, (BLOB_VAL, BLOB_DIM))).astype(np.float32)
    model = student.build_mlp((BLOB_DIM,), BLOB_CLASSES)
    history = student.train(model, x_train, _one_hot(y_train, BLOB_CLASSES), x_val, _one_hot(y_val, BLOB_CLASSES),
                            epochs=BLOB_EPOCHS, batch_size=BLOB_BATCH)
    # A confident model on correctly labelled rows: only here does label smoothing visibly change val_loss.
    return {"val_probabilities": model(x_val, training=False), "y_val": y_val, "history": _history(history)}
