# Correct: float32 numpy arithmetic throughout (metrics come back as np.float32), collections.Counter
# for the confusion matrix, and a roc_curve that drops collinear intermediate points (as scikit-learn's
# drop_intermediate does) and returns tuples; roc_auc is the trapezoid area of that curve.
# Should score 100.
from collections import Counter

import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    counts = Counter(zip(list(y_true), list(y_pred)))
    if labels is None:
        labels = sorted({t for t, _ in counts} | {p for _, p in counts})
    return np.array([[counts.get((t, p), 0) for p in labels] for t in labels], dtype=np.int32)


def accuracy(y_true, y_pred):
    return np.mean(np.asarray(y_true) == np.asarray(y_pred), dtype=np.float32)


def _rates(y_true, y_pred, positive):
    t = np.asarray(y_true) == positive
    p = np.asarray(y_pred) == positive
    return np.float32((t & p).sum()), np.float32((~t & p).sum()), np.float32((t & ~p).sum())


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, _ = _rates(y_true, y_pred, positive)
    return np.float32(zero_division) if tp + fp == 0 else tp / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, _, fn = _rates(y_true, y_pred, positive)
    return np.float32(zero_division) if tp + fn == 0 else tp / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, fn = _rates(y_true, y_pred, positive)
    return np.float32(zero_division) if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(y_true, y_pred):
    labels = set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist())
    return np.mean([f1(y_true, y_pred, positive=c) for c in sorted(labels)], dtype=np.float32)


def roc_curve(y_true, scores):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = (y == 1).sum(), (y != 1).sum()
    if pos == 0 or neg == 0:
        raise ValueError("both classes are needed")
    points = [(0.0, 0.0, float("inf"))]
    for threshold in sorted(set(s.tolist()), reverse=True):
        above = s >= threshold
        points.append((float((above & (y != 1)).sum() / neg), float((above & (y == 1)).sum() / pos), threshold))
    kept = [points[0]]
    for i in range(1, len(points) - 1):
        (x0, y0, _), (x1, y1, _), (x2, y2, _) = kept[-1], points[i], points[i + 1]
        if abs((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)) > 1e-12:  # not on the line: keep it
            kept.append(points[i])
    kept.append(points[-1])
    fpr, tpr, thresholds = zip(*kept)
    return tuple(fpr), tuple(tpr), tuple(thresholds)


def roc_auc(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return np.float32(np.trapezoid(np.array(tpr, dtype=np.float32), np.array(fpr, dtype=np.float32)))
