"""Classification metrics from first principles: fill in every function (see README.md).

Inputs are 1-D sequences (plain lists or numpy arrays) of equal length. Labels
may be integers or strings. Use numpy, not scikit-learn.
"""

from __future__ import annotations

import numpy as np  # noqa: F401


def confusion_matrix(y_true, y_pred, labels=None):
    """Counts as a K x K numpy array: ``cm[i, j]`` = samples with true label ``labels[i]``
    predicted as ``labels[j]``. ``labels`` defaults to the sorted labels of y_true and y_pred."""
    raise NotImplementedError


def accuracy(y_true, y_pred):
    """Share of samples whose prediction equals the true label."""
    raise NotImplementedError


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    """TP / (TP + FP) for the class ``positive``; ``zero_division`` if nothing is predicted positive."""
    raise NotImplementedError


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    """TP / (TP + FN) for the class ``positive``; ``zero_division`` if y_true has no positive."""
    raise NotImplementedError


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    """Harmonic mean of precision and recall, 2PR / (P + R) = 2TP / (2TP + FP + FN);
    ``zero_division`` if TP + FP + FN = 0."""
    raise NotImplementedError


def macro_f1(y_true, y_pred):
    """Unweighted mean of the F1 of every label occurring in y_true or y_pred (each in turn positive)."""
    raise NotImplementedError


def roc_curve(y_true, scores):
    """(fpr, tpr, thresholds) for binary y_true (1 = positive): point i is the FPR and TPR of
    "predict positive when score >= thresholds[i]"; thresholds decrease, the curve runs from
    (0, 0) to (1, 1) with a point for every distinct score."""
    raise NotImplementedError


def roc_auc(y_true, scores):
    """Area under the ROC curve: the share of (positive, negative) pairs ranked correctly, ties half."""
    raise NotImplementedError
