# Correct: every metric derived from confusion_matrix (np.unique + np.add.at); roc_curve by sorting
# and cumulative sums, returned as a tuple of numpy arrays; roc_auc from average ranks
# (Mann-Whitney U), returned as a numpy float. Should score 100.
import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = np.asarray(labels)
    k = len(labels)
    lookup = {label: i for i, label in enumerate(labels.tolist())}
    t = np.array([lookup.get(v, -1) for v in y_true.tolist()], dtype=int)
    p = np.array([lookup.get(v, -1) for v in y_pred.tolist()], dtype=int)
    keep = (t >= 0) & (p >= 0)
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (t[keep], p[keep]), 1)
    return cm


def _binary(y_true, y_pred, positive):
    y_true = np.asarray(y_true) == positive
    y_pred = np.asarray(y_pred) == positive
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, labels=[False, True])
    return tp, fp, fn, tn


def accuracy(y_true, y_pred):
    cm = confusion_matrix(y_true, y_pred)
    return np.trace(cm) / cm.sum()


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, _, _ = _binary(y_true, y_pred, positive)
    return tp / (tp + fp) if tp + fp else zero_division


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, _, fn, _ = _binary(y_true, y_pred, positive)
    return tp / (tp + fn) if tp + fn else zero_division


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    p = precision(y_true, y_pred, positive, zero_division)
    r = recall(y_true, y_pred, positive, zero_division)
    if p + r == 0:
        tp, fp, fn, _ = _binary(y_true, y_pred, positive)
        return zero_division if tp + fp + fn == 0 else 0.0
    return 2 * p * r / (p + r)


def macro_f1(y_true, y_pred):
    cm = confusion_matrix(y_true, y_pred).astype(float)
    tp = np.diag(cm)
    denominator = cm.sum(axis=0) + cm.sum(axis=1)
    per_class = np.where(denominator > 0, 2 * tp / np.where(denominator > 0, denominator, 1), 0.0)
    return per_class.mean()


def roc_curve(y_true, scores):
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    if y.all() or not y.any():
        raise ValueError("y_true must contain both classes")
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_run = np.r_[np.diff(s) != 0, True]  # keep one point per distinct score
    tps = np.cumsum(y)[last_of_run]
    fps = np.cumsum(~y)[last_of_run]
    tpr = np.r_[0.0, tps / y.sum()]
    fpr = np.r_[0.0, fps / (~y).sum()]
    thresholds = np.r_[np.inf, s[last_of_run]]
    return fpr, tpr, thresholds


def _average_ranks(values):
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def roc_auc(y_true, scores):
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    n_pos, n_neg = y.sum(), (~y).sum()
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must contain both classes")
    ranks = _average_ranks(s)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)
