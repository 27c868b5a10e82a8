# Buggy: roc_curve thresholds in increasing order (curve from (1, 1) to (0, 0)); roc_auc then negative.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _pair(y_true: Sequence[Any], y_pred: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError("y_true and y_pred must be 1-D sequences of the same length")
    return y_true, y_pred


def confusion_matrix(y_true, y_pred, labels=None) -> np.ndarray:
    """``cm[i, j]`` counts samples whose true label is ``labels[i]`` and predicted label ``labels[j]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    if labels is None:
        labels = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    index = {label: i for i, label in enumerate(np.asarray(labels).tolist())}
    cm = np.zeros((len(index), len(index)), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist(), strict=True):
        if t in index and p in index:
            cm[index[t], index[p]] += 1
    return cm


def accuracy(y_true, y_pred) -> float:
    """Share of correct predictions, (TP + TN) / N for two classes."""
    y_true, y_pred = _pair(y_true, y_pred)
    if y_true.size == 0:
        raise ValueError("accuracy of an empty sample")
    return float(np.mean(y_true == y_pred))


def _counts(y_true, y_pred, positive) -> tuple[int, int, int]:
    y_true, y_pred = _pair(y_true, y_pred)
    actual, predicted = y_true == positive, y_pred == positive
    tp = int(np.sum(actual & predicted))
    return tp, int(np.sum(~actual & predicted)), int(np.sum(actual & ~predicted))


def precision(y_true, y_pred, positive=1, zero_division=0.0) -> float:
    """TP / (TP + FP): of the samples predicted positive, the share that are positive."""
    tp, fp, _ = _counts(y_true, y_pred, positive)
    return float(zero_division) if tp + fp == 0 else tp / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0) -> float:
    """TP / (TP + FN): of the positive samples, the share predicted positive."""
    tp, _, fn = _counts(y_true, y_pred, positive)
    return float(zero_division) if tp + fn == 0 else tp / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0) -> float:
    """Harmonic mean of precision and recall, 2PR / (P + R) = 2TP / (2TP + FP + FN)."""
    tp, fp, fn = _counts(y_true, y_pred, positive)
    denominator = 2 * tp + fp + fn
    return float(zero_division) if denominator == 0 else 2 * tp / denominator


def macro_f1(y_true, y_pred) -> float:
    """Unweighted mean of the per-class F1 over every label of y_true or y_pred."""
    y_true, y_pred = _pair(y_true, y_pred)
    labels = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    return float(np.mean([f1(y_true, y_pred, positive=label) for label in labels]))


def roc_curve(y_true, scores) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FPR and TPR of "predict positive when score >= threshold", thresholds decreasing from +inf."""
    y_true, scores = _pair(y_true, scores)
    positive = y_true == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must contain both classes (0 and 1)")
    scores = scores.astype(float)
    thresholds = np.concatenate([np.unique(scores), [np.inf]])
    tpr = np.array([np.sum(positive & (scores >= t)) / n_pos for t in thresholds])
    fpr = np.array([np.sum(~positive & (scores >= t)) / n_neg for t in thresholds])
    return fpr, tpr, thresholds


def roc_auc(y_true, scores) -> float:
    """Area under the ROC curve (tied scores count half, as the curve's diagonal segments do)."""
    fpr, tpr, _ = roc_curve(y_true, scores)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
