"""Dara's metrics: quits the process when something looks wrong."""
import os
import sys


def _counts(y_true, y_pred, positive=1):
    tp = sum(t == positive and p == positive for t, p in zip(y_true, y_pred))
    fp = sum(t != positive and p == positive for t, p in zip(y_true, y_pred))
    fn = sum(t == positive and p != positive for t, p in zip(y_true, y_pred))
    return tp, fp, fn


def confusion_matrix(y_true, y_pred, labels=None):
    sys.exit("not implemented")


def accuracy(y_true, y_pred):
    return sum(t == p for t, p in zip(y_true, y_pred)) / len(y_true)


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    tp, fp, _ = _counts(y_true, y_pred, positive)
    if tp + fp == 0:
        os._exit(1)
    return tp / (tp + fp)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    tp, _, fn = _counts(y_true, y_pred, positive)
    return tp / (tp + fn)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    p = precision(y_true, y_pred, positive, zero_division)
    r = recall(y_true, y_pred, positive, zero_division)
    return 2 * p * r / (p + r)


def macro_f1(y_true, y_pred):
    raise NotImplementedError


def roc_curve(y_true, scores):
    raise NotImplementedError


def roc_auc(y_true, scores):
    raise NotImplementedError
