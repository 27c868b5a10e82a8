"""Probes for classification_metrics: call each metric on small labelled samples.

Binary samples are built from their four counts (TP, FN, FP, TN) and shuffled
with a private numpy Generator, so the checks know every count without seeing
the arrays. Scores for the ROC probes come from fixed-seed Generators too, and
each ROC observation carries its inputs so that the checks can recompute every
point of the curve. Metric values are returned as plain floats (or the type
name of whatever else came back); nothing is judged here.
"""

import numbers

import numpy as np

from grader.probing import probe

# ---------------------------------------------------------------- samples

# name: (TP, FN, FP, TN), the positive label is 1
BINARY = {
    "worked_accuracy": (100, 300, 50, 200),  # the post's (100 + 200) / (100 + 200 + 50 + 300)
    "worked_recall": (290, 110, 50, 150),  # the post's (90 + 200) / (90 + 200 + 10 + 100)
    "worked_f1": (48, 12, 32, 8),  # precision 0.6, recall 0.8
    "asymmetric": (30, 10, 20, 40),
    "rare_positives": (10, 5, 40, 145),
}

# name: confusion counts, rows = true label 0, 1, 2, columns = predicted label
THREE_CLASS = {
    "never_predicts_2": [[50, 5, 0], [10, 20, 0], [4, 6, 0]],
    "mixed": [[8, 1, 1], [2, 15, 3], [0, 4, 26]],
    "never_true_2": [[40, 5, 3], [6, 30, 2], [0, 0, 0]],  # label 2 is predicted, never true
}


def _binary(name, seed=0):
    tp, fn, fp, tn = BINARY[name]
    y_true = np.array([1] * (tp + fn) + [0] * (fp + tn))
    y_pred = np.array([1] * tp + [0] * fn + [1] * fp + [0] * tn)
    order = np.random.default_rng(seed).permutation(y_true.size)
    return y_true[order], y_pred[order]


def _three_class(name, seed=1):
    pairs = [(t, p) for t, row in enumerate(THREE_CLASS[name]) for p, n in enumerate(row) for _ in range(n)]
    pairs = np.array(pairs)[np.random.default_rng(seed).permutation(len(pairs))]
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _scores(name):
    """Binary labels and scores for the ROC probes."""
    seed = {"distinct": 10, "ties": 11, "perfect": 12, "reversed": 12, "constant": 13}[name]
    rng = np.random.default_rng(seed)
    if name in ("perfect", "reversed", "constant"):
        y = rng.permutation(np.array([0] * 12 + [1] * 8))
        scores = np.where(y == 1, rng.uniform(0.6, 1.0, y.size), rng.uniform(0.0, 0.4, y.size))
        if name == "reversed":
            scores = 1.0 - scores
        if name == "constant":
            scores = np.full(y.size, 0.5)
        return y, scores
    n = 30 if name == "distinct" else 60
    y = np.array([0, 1] * 2 + list(rng.integers(0, 2, n - 4)))
    noise = rng.random(n)
    scores = noise + 0.4 * y if name == "distinct" else np.round(0.6 * noise + 0.3 * y, 1)
    return y, scores


def _number(value):
    """A returned metric as a float; anything that is not a real number by its type name."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return {"not_a_number": type(value).__name__}


def _array(value):
    """A returned sequence as a numeric numpy array; anything else by its type name."""
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            array = array.astype(np.float64)
    except (TypeError, ValueError):
        return {"not_an_array": type(value).__name__}
    return array


def _kind(array, kind):
    return array.tolist() if kind == "list" else array


# ---------------------------------------------------------------- binary metrics

METRICS = ("accuracy", "precision", "recall", "f1")
BINARY_CASES = [
    ("accuracy", "worked_accuracy"),
    ("precision", "asymmetric"), ("precision", "rare_positives"),
    ("recall", "asymmetric"), ("recall", "rare_positives"), ("recall", "worked_recall"),
    ("f1", "worked_f1"), ("f1", "asymmetric"), ("f1", "rare_positives"),
]


@probe("binary", cases=[{"metric": m, "example": e} for m, e in BINARY_CASES])
def binary(student, metric, example):
    """One metric on one binary sample (numpy int arrays, positive label 1, default arguments)."""
    y_true, y_pred = _binary(example)
    return _number(getattr(student, metric)(y_true, y_pred))


ZERO_DIVISION = {
    # situation: (y_true, y_pred)
    "no_predicted_positive": ([1, 0, 1, 0, 0, 1, 0, 0], [0] * 8),
    "no_actual_positive": ([0] * 8, [1, 0, 0, 1, 0, 0, 0, 0]),
    "no_positive_at_all": ([0] * 8, [0] * 8),
    "no_true_positive": ([1, 0, 1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0, 0, 0]),  # TP = 0, FP = 2, FN = 3
}
ZERO_DIVISION_CASES = [
    ("precision", "no_predicted_positive", None), ("precision", "no_predicted_positive", 1.0),
    ("recall", "no_actual_positive", None), ("recall", "no_actual_positive", 1.0),
    ("f1", "no_positive_at_all", None), ("f1", "no_positive_at_all", 1.0),
    ("f1", "no_predicted_positive", 1.0),
    ("precision", "no_true_positive", 1.0), ("recall", "no_true_positive", 1.0),
    ("f1", "no_true_positive", 1.0),
]


@probe("zero_division", cases=[{"metric": m, "situation": s, "zero_division": z}
                               for m, s, z in ZERO_DIVISION_CASES])
def zero_division(student, metric, situation, zero_division):
    """A metric whose ratio has a zero denominator; zero_division=None means the argument is left out."""
    y_true, y_pred = (np.array(y) for y in ZERO_DIVISION[situation])
    function = getattr(student, metric)
    if zero_division is None:
        return _number(function(y_true, y_pred))
    return _number(function(y_true, y_pred, zero_division=zero_division))


# ---------------------------------------------------------------- confusion matrix and macro F1

CONFUSION_CASES = [
    {"example": "asymmetric", "labels": None},
    {"example": "never_predicts_2", "labels": None},
    {"example": "mixed", "labels": None},
    {"example": "mixed", "labels": [2, 0, 1]},
    {"example": "never_predicts_2", "labels": [0, 1, 2, 3]},
    {"example": "never_true_2", "labels": None},
]


@probe("confusion", cases=CONFUSION_CASES)
def confusion(student, example, labels):
    """The confusion matrix of a binary or 3-class sample, with or without an explicit label order."""
    y_true, y_pred = _binary(example) if example in BINARY else _three_class(example)
    if labels is None:
        return _array(student.confusion_matrix(y_true, y_pred))
    return _array(student.confusion_matrix(y_true, y_pred, labels=labels))


@probe("macro", cases=[{"example": "never_predicts_2", "kind": "array"},
                       {"example": "mixed", "kind": "list"},
                       {"example": "never_true_2", "kind": "array"}])
def macro(student, example, kind):
    """macro_f1 of a 3-class sample, as numpy arrays or plain lists."""
    y_true, y_pred = _three_class(example)
    return _number(student.macro_f1(_kind(y_true, kind), _kind(y_pred, kind)))


# ---------------------------------------------------------------- ROC

@probe("roc_curve", cases=[{"example": "distinct"}, {"example": "ties"}, {"example": "perfect"}])
def roc_curve(student, example):
    """The student's (fpr, tpr, thresholds) and the sample they were computed from."""
    y, scores = _scores(example)
    result = student.roc_curve(y, scores)
    observation = {"y_true": y, "scores": scores}
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__") or len(result) != 3:
        observation["returned"] = type(result).__name__
        return observation
    fpr, tpr, thresholds = result
    observation.update(returned="triple", fpr=_array(fpr), tpr=_array(tpr), thresholds=_array(thresholds))
    return observation


@probe("roc_one_class", cases=[{"label": 0}, {"label": 1}])
def roc_one_class(student, label):
    """roc_curve on labels that are all 0 or all 1 must raise ValueError: what was raised is the observation."""
    scores = np.random.default_rng(14).random(10)
    try:
        student.roc_curve(np.full(10, label), scores)
    except Exception as exc:  # raising is the behaviour under test
        return {"raised": type(exc).__name__, "is_value_error": isinstance(exc, ValueError)}
    return {"raised": None}


@probe("roc_auc", cases=[{"example": e, "kind": k} for e, k in (
    ("perfect", "array"), ("reversed", "array"), ("constant", "array"),
    ("ties", "array"), ("distinct", "list"),
)])
def roc_auc(student, example, kind):
    """roc_auc of a sample, as numpy arrays or plain lists."""
    y, scores = _scores(example)
    return _number(student.roc_auc(_kind(y, kind), _kind(scores, kind)))


# ---------------------------------------------------------------- public example

README_TRUE = ["spam", "ham", "spam", "spam", "ham", "ham", "spam", "ham", "ham", "ham"]
README_PRED = ["spam", "spam", "ham", "spam", "ham", "ham", "spam", "ham", "spam", "ham"]


@probe("readme_example", cases=[{"metric": m} for m in (*METRICS, "confusion_matrix")])
def readme_example(student, metric):
    """The README's spam example: plain lists of strings, positive="spam"."""
    if metric == "accuracy":
        return _number(student.accuracy(list(README_TRUE), list(README_PRED)))
    if metric == "confusion_matrix":
        return _array(student.confusion_matrix(list(README_TRUE), list(README_PRED)))
    return _number(getattr(student, metric)(list(README_TRUE), list(README_PRED), positive="spam"))
