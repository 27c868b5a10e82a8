# Correct: dictionaries and Counter; 2PR/(P+R) formula for F1 with its own zero handling; macro via a
# confusion matrix; roc_curve as lists with a first threshold float("inf"); AUC from ranks with ties.
from collections import Counter

import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    y_true, y_pred = list(y_true), list(y_pred)
    if labels is None:
        labels = sorted(set(y_true) | set(y_pred))
    pos = {lab: k for k, lab in enumerate(labels)}
    cm = np.zeros((len(labels), len(labels)), dtype=np.int32)
    for (t, p), n in Counter(zip(y_true, y_pred)).items():
        if t in pos and p in pos:
            cm[pos[t]][pos[p]] += n
    return cm


def accuracy(y_true, y_pred):
    y_true, y_pred = list(y_true), list(y_pred)
    return sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true)


def _c(y_true, y_pred, positive):
    c = Counter((t == positive, p == positive) for t, p in zip(list(y_true), list(y_pred)))
    return c[(True, True)], c[(False, True)], c[(True, False)]


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn = _c(y_true, y_pred, positive)
    if tp + fp == 0:
        return float(zero_division)
    return tp / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn = _c(y_true, y_pred, positive)
    if tp + fn == 0:
        return float(zero_division)
    return tp / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn = _c(y_true, y_pred, positive)
    if tp + fp + fn == 0:
        return float(zero_division)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def macro_f1(y_true, y_pred):
    cm = confusion_matrix(y_true, y_pred).astype(float)
    scores = []
    for k in range(cm.shape[0]):
        tp = cm[k, k]
        denom = cm[k, :].sum() + cm[:, k].sum()
        scores.append(2 * tp / denom if denom else 0.0)
    return sum(scores) / len(scores)


def roc_curve(y_true, scores):
    y_true, scores = list(y_true), [float(s) for s in scores]
    n_pos = sum(1 for y in y_true if y == 1)
    n_neg = len(y_true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must contain 0 and 1")
    thresholds = [float("inf")] + sorted(set(scores), reverse=True)
    fpr, tpr = [], []
    for t in thresholds:
        tp = sum(1 for y, s in zip(y_true, scores) if s >= t and y == 1)
        fp = sum(1 for y, s in zip(y_true, scores) if s >= t and y != 1)
        tpr.append(tp / n_pos)
        fpr.append(fp / n_neg)
    return fpr, tpr, thresholds


def roc_auc(y_true, scores):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ranks of ties
        m = s == v
        ranks[m] = ranks[m].mean()
    n_pos = int((y == 1).sum())
    n_neg = len(y) - n_pos
    return (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
