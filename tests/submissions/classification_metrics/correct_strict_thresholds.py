# Correct: thresholds are the distinct scores (decreasing) plus -inf at the end, with the rule
# "positive when score > threshold", equivalent to the statement's rule; AUC by pairwise broadcasting.
import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    labs = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
    return (t[:, None] == labs[None, :]).astype(int).T @ (p[:, None] == labs[None, :]).astype(int)


def accuracy(y_true, y_pred):
    return float((np.asarray(y_true) == np.asarray(y_pred)).sum() / len(y_true))


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    t, p = np.asarray(y_true) == positive, np.asarray(y_pred) == positive
    return float((t & p).sum() / p.sum()) if p.any() else zero_division


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    t, p = np.asarray(y_true) == positive, np.asarray(y_pred) == positive
    return float((t & p).sum() / t.sum()) if t.any() else zero_division


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    t, p = np.asarray(y_true) == positive, np.asarray(y_pred) == positive
    d = t.sum() + p.sum()
    return float(2 * (t & p).sum() / d) if d else zero_division


def macro_f1(y_true, y_pred):
    cm = confusion_matrix(y_true, y_pred)
    d = cm.sum(0) + cm.sum(1)
    return float(np.mean(np.where(d > 0, 2 * np.diag(cm) / np.maximum(d, 1), 0.0)))


def roc_curve(y_true, scores):
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=np.float64)
    if len(set(y.tolist())) < 2:
        raise ValueError("both classes are needed")
    # "positive when score > t" with t = highest score first (nothing above it), then each lower
    # distinct score, and -inf last (everything above it)
    th = np.append(np.unique(s)[::-1], -np.inf)
    pred = s[None, :] > th[:, None]
    tpr = (pred & (y == 1)).sum(1) / (y == 1).sum()
    fpr = (pred & (y == 0)).sum(1) / (y == 0).sum()
    return fpr.tolist(), tpr.tolist(), th.tolist()


def roc_auc(y_true, scores):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    d = s[y == 1][:, None] - s[y == 0][None, :]
    return float(np.mean((d > 0) + 0.5 * (d == 0)))
