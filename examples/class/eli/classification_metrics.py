# Correct: pure-Python loops and counters; roc_curve returns plain lists with a first threshold
# of max(score) + 1; roc_auc counts (positive, negative) pairs directly. Should score 100.
import numpy as np


def _tally(y_true, y_pred, positive):
    tp = fp = fn = tn = 0
    for t, p in zip(y_true, y_pred):
        if p == positive:
            if t == positive:
                tp += 1
            else:
                fp += 1
        elif t == positive:
            fn += 1
        else:
            tn += 1
    return tp, fp, fn, tn


def confusion_matrix(y_true, y_pred, labels=None):
    y_true, y_pred = list(y_true), list(y_pred)
    if labels is None:
        labels = sorted(set(y_true) | set(y_pred))
    labels = list(labels)
    rows = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred):
        if t in labels and p in labels:
            rows[labels.index(t)][labels.index(p)] += 1
    return np.array(rows)


def accuracy(y_true, y_pred):
    pairs = list(zip(y_true, y_pred))
    return sum(1 for t, p in pairs if t == p) / len(pairs)


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, _, _ = _tally(y_true, y_pred, positive)
    if tp + fp == 0:
        return zero_division
    return tp / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, _, fn, _ = _tally(y_true, y_pred, positive)
    if tp + fn == 0:
        return zero_division
    return tp / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn, _ = _tally(y_true, y_pred, positive)
    if tp + fp + fn == 0:
        return zero_division
    return 2 * tp / (2 * tp + fp + fn)


def macro_f1(y_true, y_pred):
    labels = sorted(set(list(y_true)) | set(list(y_pred)))
    scores = [f1(y_true, y_pred, positive=label) for label in labels]
    return sum(scores) / len(scores)


def roc_curve(y_true, scores):
    y_true, scores = [int(y) for y in y_true], [float(s) for s in scores]
    n_pos = sum(1 for y in y_true if y == 1)
    n_neg = len(y_true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("need both classes")
    thresholds = [max(scores) + 1.0] + sorted(set(scores), reverse=True)
    fpr, tpr = [], []
    for threshold in thresholds:
        tp = sum(1 for y, s in zip(y_true, scores) if y == 1 and s >= threshold)
        fp = sum(1 for y, s in zip(y_true, scores) if y != 1 and s >= threshold)
        tpr.append(tp / n_pos)
        fpr.append(fp / n_neg)
    return fpr, tpr, thresholds


def roc_auc(y_true, scores):
    positives = [s for y, s in zip(y_true, scores) if y == 1]
    negatives = [s for y, s in zip(y_true, scores) if y != 1]
    if not positives or not negatives:
        raise ValueError("need both classes")
    total = 0.0
    for p in positives:
        for n in negatives:
            total += 1.0 if p > n else 0.5 if p == n else 0.0
    return total / (len(positives) * len(negatives))
