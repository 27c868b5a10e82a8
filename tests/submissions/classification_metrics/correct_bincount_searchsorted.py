# Correct: confusion matrix with np.unique(return_inverse) + np.bincount; metrics read off a 2x2 table;
# roc via np.searchsorted on sorted scores; AUC by searchsorted counts (ties half); returns numpy floats.
import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels, inv = np.unique(np.concatenate([t, p]), return_inverse=True)
        k = len(labels)
        ti, pi = inv[: len(t)], inv[len(t):]
        return np.bincount(ti * k + pi, minlength=k * k).reshape(k, k)
    labels = list(labels)
    k = len(labels)
    lookup = {lab: i for i, lab in enumerate(labels)}
    keep = [(lookup[a], lookup[b]) for a, b in zip(t.tolist(), p.tolist()) if a in lookup and b in lookup]
    flat = np.array([i * k + j for i, j in keep], dtype=np.int64)
    return np.bincount(flat, minlength=k * k).reshape(k, k)


def _table(y_true, y_pred, positive):
    t = (np.asarray(y_true) == positive).astype(int)
    p = (np.asarray(y_pred) == positive).astype(int)
    return np.bincount(2 * t + p, minlength=4).reshape(2, 2)  # [[tn, fp], [fn, tp]]


def accuracy(y_true, y_pred):
    return np.float64(np.count_nonzero(np.asarray(y_true) == np.asarray(y_pred))) / len(y_pred)


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    (tn, fp), (fn, tp) = _table(y_true, y_pred, positive)
    return np.float64(zero_division) if tp + fp == 0 else np.float64(tp) / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    (tn, fp), (fn, tp) = _table(y_true, y_pred, positive)
    return np.float64(zero_division) if tp + fn == 0 else np.float64(tp) / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    (tn, fp), (fn, tp) = _table(y_true, y_pred, positive)
    d = 2 * tp + fp + fn
    return np.float64(zero_division) if d == 0 else np.float64(2 * tp) / d


def macro_f1(y_true, y_pred):
    labels = np.unique(np.concatenate([np.asarray(y_true), np.asarray(y_pred)]))
    return np.mean([f1(y_true, y_pred, positive=lab) for lab in labels])


def roc_curve(y_true, scores):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    if pos.size == 0 or neg.size == 0:
        raise ValueError("roc_curve needs both classes")
    th = np.r_[np.inf, np.unique(s)[::-1]]
    tpr = (pos.size - np.searchsorted(pos, th, side="left")) / pos.size
    fpr = (neg.size - np.searchsorted(neg, th, side="left")) / neg.size
    return fpr, tpr, th


def roc_auc(y_true, scores):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], np.sort(s[y == 0])
    below = np.searchsorted(neg, pos, side="left")
    ties = np.searchsorted(neg, pos, side="right") - below
    return (below.sum() + 0.5 * ties.sum()) / (pos.size * neg.size)
