"""Probes for keras_sequence_recommender: build, score, train and rank with the student's recommender.

Every probe builds its inputs from its own ``np.random.default_rng`` (so the
student's random calls cannot shift them), seeds Keras before building a
model, keeps models and data tiny and returns raw evidence (arrays, numbers,
names); the checks judge it. Models are called directly (eager, no graph to
trace) except in ``train``, where the student's ``train_recommender`` fits.
"""

from __future__ import annotations

import math

import numpy as np

from grader.probing import probe

# The small model the shape / masking / history probes build.
SMALL = {"num_users": 40, "num_items": 30, "history_len": 6, "embedding_dim": 8}

# The learning task: items 1..4, histories of 2..5 items of one parity, users carry no information
# (4 epochs of batch 16: 256 steps; measured margins in checks/test_training.py).
TASK_USERS, TASK_ITEMS, TASK_LEN = 30, 4, 5
TASK_TRAIN, TASK_TEST, TASK_EPOCHS, TASK_BATCH = 1024, 256, 4, 16


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


def _inputs(users, histories, candidates):
    return {
        "user": np.asarray(users, dtype=np.int32).reshape(-1, 1),
        "history": np.asarray(histories, dtype=np.int32),
        "candidate": np.asarray(candidates, dtype=np.int32).reshape(-1, 1),
    }


def _histories(rng, n, length, num_items, min_items=1):
    """n histories of ``length`` slots: min_items..length random items, left-padded with 0."""
    out = np.zeros((n, length), dtype=np.int32)
    for row in range(n):
        k = int(rng.integers(min_items, length + 1))
        out[row, length - k:] = rng.integers(1, num_items + 1, k)
    return out


def _scores(model, inputs):
    """The model's scores for a batch, called directly (the same as predict, without a progress bar)."""
    return np.asarray(model(inputs, training=False))


def _embedding_layers(keras, model):
    try:
        layers = list(model._flatten_layers(include_self=False, recursive=True))
    except Exception:  # noqa: BLE001
        layers = list(getattr(model, "layers", []))
    return [layer for layer in layers if isinstance(layer, keras.layers.Embedding)]


@probe("build", timeout=30)
def build(student):
    """build_recommender on small sizes: the model's declared output shape and whether it is compiled."""
    _keras()
    model = student.build_recommender(**SMALL)
    try:  # a subclassed model has no declared output shape until it is called
        shape = [None if d is None else int(d) for d in model.output_shape]
    except Exception:  # noqa: BLE001
        shape = None
    return {"type": type(model).__name__, "output_shape": shape,
            "compiled": getattr(model, "loss", None) is not None}


@probe("forward", timeout=30)
def forward(student):
    """Scores of a small fresh model: a batch, the same batch with other histories, and with the padding row changed.

    ``perturbed``: the same batch (histories with left padding) after row 0 (the
    padding id) of every Embedding layer was overwritten with large random
    values; users and candidates are never 0, so only the padding reads row 0.
    """
    keras = _keras()
    rng = np.random.default_rng(41)
    n, length = 6, SMALL["history_len"]
    users = rng.integers(1, SMALL["num_users"], n)
    candidates = rng.integers(1, SMALL["num_items"] + 1, n)
    padded = _histories(rng, n, length, SMALL["num_items"], min_items=2)
    padded[:, :2] = 0  # at least two padding slots in every row
    other = _histories(rng, n, length, SMALL["num_items"], min_items=length)
    model = student.build_recommender(**SMALL)
    first = _scores(model, _inputs(users, padded, candidates))
    changed = _scores(model, _inputs(users, other, candidates))
    embeddings = _embedding_layers(keras, model)
    for layer in embeddings:
        table = np.array(keras.ops.convert_to_numpy(layer.embeddings))
        table[0] = rng.normal(0.0, 3.0, table.shape[1])
        layer.embeddings.assign(table)
    perturbed = _scores(model, _inputs(users, padded, candidates))
    return {"scores": first, "other_history": changed, "perturbed": perturbed, "embeddings": len(embeddings)}


_VOCABS = [{"num_users": 1200, "num_items": 1500, "history_len": 6, "embedding_dim": 8},
           {"num_users": 2500, "num_items": 12000, "history_len": 7, "embedding_dim": 8}]


@probe("vocab", cases=_VOCABS, timeout=30)
def vocab(student, num_users, num_items, history_len, embedding_dim):
    """Scores for a batch holding the largest user and item ids (num_users - 1, num_items)."""
    _keras()
    rng = np.random.default_rng(num_items)
    n = 4
    users = rng.integers(1, num_users, n)
    users[0] = num_users - 1
    histories = _histories(rng, n, history_len, num_items, min_items=2)
    histories[0, -1] = num_items
    histories[1, -2] = num_items - 1
    candidates = rng.integers(1, num_items + 1, n)
    candidates[1] = num_items
    model = student.build_recommender(num_users=num_users, num_items=num_items, history_len=history_len,
                                      embedding_dim=embedding_dim)
    return _scores(model, _inputs(users, histories, candidates))


def task_data(rng, n):
    """The parity task: a user likes a candidate iff it has the parity of every item in their history."""
    parity = rng.integers(0, 2, n)
    pools = [np.arange(2, TASK_ITEMS + 1, 2), np.arange(1, TASK_ITEMS + 1, 2)]
    histories = np.zeros((n, TASK_LEN), dtype=np.int32)
    for row in range(n):
        k = int(rng.integers(2, TASK_LEN + 1))
        histories[row, TASK_LEN - k:] = rng.choice(pools[parity[row]], k)
    candidates = rng.integers(1, TASK_ITEMS + 1, n)
    labels = (candidates % 2 == parity).astype(np.float32)
    users = rng.integers(0, TASK_USERS, n)  # random: the user id says nothing, the history says everything
    return _inputs(users, histories, candidates), labels


@probe("train", cases=[{"seed": 0}], timeout=60)
def train(student, seed):
    """train_recommender on the parity task, then the trained model's scores on held-out triples."""
    _keras(seed)
    rng = np.random.default_rng(1000 + seed)
    x_train, y_train = task_data(rng, TASK_TRAIN)
    x_test, y_test = task_data(rng, TASK_TEST)
    model = student.build_recommender(num_users=TASK_USERS, num_items=TASK_ITEMS, history_len=TASK_LEN)
    student.train_recommender(model, {k: v.copy() for k, v in x_train.items()}, y_train.copy(),
                              epochs=TASK_EPOCHS, batch_size=TASK_BATCH)
    return {"scores": _scores(model, x_test), "labels": y_test}


def _stub_model(keras, num_users, num_items, history_len, rng):
    """A fixed scoring model: sigmoid((user vector + mean of history vectors) . candidate vector)."""
    layers = keras.layers
    user = keras.Input(shape=(1,), dtype="int32", name="user")
    history = keras.Input(shape=(history_len,), dtype="int32", name="history")
    candidate = keras.Input(shape=(1,), dtype="int32", name="candidate")
    user_table = layers.Embedding(num_users, 4)
    history_table = layers.Embedding(num_items + 1, 4, mask_zero=True)
    candidate_table = layers.Embedding(num_items + 1, 4)
    taste = layers.Add()([layers.Flatten()(user_table(user)),
                          layers.GlobalAveragePooling1D()(history_table(history))])
    logit = layers.Dot(axes=1)([taste, layers.Flatten()(candidate_table(candidate))])
    model = keras.Model({"user": user, "history": history, "candidate": candidate},
                        layers.Activation("sigmoid")(logit))
    user_table.set_weights([rng.normal(0, 1, (num_users, 4)).astype(np.float32)])
    history_table.set_weights([rng.normal(0, 1, (num_items + 1, 4)).astype(np.float32)])
    candidate_table.set_weights([rng.normal(0, 1, (num_items + 1, 4)).astype(np.float32)])
    return model


@probe("fit", timeout=30)
def fit(student):
    """train_recommender(epochs=2, batch_size=16) on 40 triples, given a fixed small model of the probe's own.

    The model is not the student's, so this observes train_recommender alone
    (eager: six steps of a tiny model cost less than tracing a graph).
    """
    keras = _keras()
    rng = np.random.default_rng(77)
    model = _stub_model(keras, TASK_USERS, TASK_ITEMS, TASK_LEN, rng)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.run_eagerly = True
    x, y = task_data(rng, 40)
    before = [np.array(w) for w in model.get_weights()]
    student.train_recommender(model, {k: v.copy() for k, v in x.items()}, y.copy(), epochs=2, batch_size=16)
    after = model.get_weights()
    iterations = getattr(getattr(model, "optimizer", None), "iterations", None)
    return {
        "iterations": None if iterations is None else int(np.asarray(iterations)),
        "expected_iterations": 2 * math.ceil(40 / 16),
        "change": max(float(np.max(np.abs(np.asarray(a) - b))) for a, b in zip(after, before, strict=True)),
    }


_RANKINGS = [{"user": 3, "k": 5, "seed": 1}, {"user": 11, "k": 3, "seed": 2}, {"user": 7, "k": 20, "seed": 3}]


@probe("recommend", cases=_RANKINGS, timeout=30)
def recommend(student, user, k, seed):
    """recommend_top_k with a fixed scoring model, plus that model's scores for every candidate.

    The candidates include three items of the history; with k=20 there are
    fewer unseen candidates than k.
    """
    keras = _keras()
    rng = np.random.default_rng(500 + seed)
    num_users, num_items, length = 16, 40, 6
    model = _stub_model(keras, num_users, num_items, length, rng)
    items = rng.permutation(np.arange(1, num_items + 1))
    history = np.zeros(length, dtype=np.int32)
    history[2:] = items[:4]
    candidates = [int(i) for i in np.concatenate([items[1:4], items[10:22]])]
    rng.shuffle(candidates)
    returned = student.recommend_top_k(model, user, history.copy(), list(candidates), k)
    n = len(candidates)
    scores = _scores(model, _inputs(np.full(n, user), np.repeat(history[None, :], n, axis=0), candidates))
    if isinstance(returned, np.ndarray):
        returned = returned.tolist()
    if isinstance(returned, (list, tuple)):
        items_out = [int(i) if isinstance(i, (int, np.integer)) and not isinstance(i, bool) else repr(i)[:40]
                     for i in returned]
    else:
        items_out = None
    return {"returned": items_out, "type": type(returned).__name__, "candidates": candidates,
            "history": history, "scores": scores.reshape(-1), "k": k}
