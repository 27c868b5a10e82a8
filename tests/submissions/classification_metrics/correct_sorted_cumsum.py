# Correct: sklearn-like implementation: sort by score descending, cumulative sums at distinct-score
# boundaries, np.r_ with inf; AUC with np.trapezoid; metrics through a small counts helper.
import numpy as np


def _tp_fp_fn(y_true, y_pred, positive):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    return np.count_nonzero(t & p), np.count_nonzero(~t & p), np.count_nonzero(t & ~p)


def confusion_matrix(y_true, y_pred, labels=None):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = list(labels)
    cm = np.zeros((len(labels), len(labels)), dtype=int)
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            cm[i, j] = np.sum((y_true == a) & (y_pred == b))
    return cm


def accuracy(y_true, y_pred):
    return np.mean(np.asarray(y_true) == np.asarray(y_pred))


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, _ = _tp_fp_fn(y_true, y_pred, positive)
    return tp / (tp + fp) if tp + fp else zero_division


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, _, fn = _tp_fp_fn(y_true, y_pred, positive)
    return tp / (tp + fn) if tp + fn else zero_division


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn = _tp_fp_fn(y_true, y_pred, positive)
    if tp + fp + fn == 0:
        return zero_division
    return 2 * tp / (2 * tp + fp + fn)


def macro_f1(y_true, y_pred):
    labels = np.union1d(np.asarray(y_true), np.asarray(y_pred))
    return np.mean([f1(y_true, y_pred, positive=c) for c in labels])


def roc_curve(y_true, scores):
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    if y.all() or not y.any():
        raise ValueError("need both classes")
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    return fpr, tpr, np.r_[np.inf, s[last]]


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return np.trapezoid(tpr, fpr)
