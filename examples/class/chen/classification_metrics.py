# ruff: noqa
# 003-Q1 (面试题库 1): the post's metric definitions and formulas, shaped to the exercise's API,
# every bug kept.
#
#   | 类别 | 预测为正例 | 预测为负例 | 实际为正例 | 实际为负例 |
#   | 类别1 | 100 | 50  | 90  | 10  |
#   | 类别2 | 200 | 300 | 200 | 100 |
#   精度：(100 + 200) / (100 + 200 + 50 + 300) = 0.6
#   召回率：(90 + 200) / (90 + 200 + 10 + 100) = 0.8
#   精确率：(100 + 200) / (100 + 200 + 50 + 300) = 0.6
#   F1 分数：2 * (0.6 * 0.8) / (0.6 + 0.8) = 0.64
#   ROC 曲线和 AUC 值：计算模型在各个阈值下的准确率和召回率，绘制 ROC 曲线并计算 AUC 值。
import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    # The post's table: one row per class with [predicted positive, predicted negative,
    # actual positive, actual negative]; not a confusion matrix (inconsistent-table).
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    return np.array([[np.sum(y_pred == c), np.sum(y_pred != c), np.sum(y_true == c), np.sum(y_true != c)]
                     for c in labels])


def accuracy(y_true, y_pred):
    # 精度 = (100 + 200) / (100 + 200 + 50 + 300): the table's "predicted positive" column over
    # every prediction (accuracy-arithmetic).
    y_pred = np.asarray(y_pred)
    predicted_positive = np.sum(y_pred == 1)
    predicted_negative = np.sum(y_pred != 1)
    return predicted_positive / (predicted_positive + predicted_negative)


def precision(y_true, y_pred, positive=1, zero_division=0.0):
    # 精确率: the accuracy formula copied, predicted negatives in the denominator (precision-formula-copy).
    y_pred = np.asarray(y_pred)
    predicted_positive = np.sum(y_pred == positive)
    predicted_negative = np.sum(y_pred != positive)
    return predicted_positive / (predicted_positive + predicted_negative)


def recall(y_true, y_pred, positive=1, zero_division=0.0):
    # 召回率：衡量模型能够正确识别的负例比例: the share of negatives correctly identified
    # (recall-defined-on-negatives, recall-arithmetic).
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    negatives = y_true != positive
    return np.sum(negatives & (y_pred != positive)) / np.sum(negatives)


def f1(y_true, y_pred, positive=1, zero_division=0.0):
    # F1 综合考虑精度和召回率: 精度 is the post's Accuracy (f1-uses-accuracy, f1-arithmetic).
    a = accuracy(y_true, y_pred)
    r = recall(y_true, y_pred, positive)
    return 2 * (a * r) / (a + r)


def macro_f1(y_true, y_pred):
    labels = sorted(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))
    return np.mean([f1(y_true, y_pred, positive=c) for c in labels])


def roc_curve(y_true, scores):
    # "计算模型在各个阈值下的准确率和召回率，绘制 ROC 曲线": accuracy and recall at each threshold
    # (roc-wrong-axes).
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=float)
    thresholds = np.unique(scores)[::-1]
    xs = np.array([accuracy(y_true, (scores >= t).astype(int)) for t in thresholds])
    ys = np.array([recall(y_true, (scores >= t).astype(int)) for t in thresholds])
    return xs, ys, thresholds


def roc_auc(y_true, scores):
    xs, ys, _ = roc_curve(y_true, scores)
    order = np.argsort(xs)
    return np.trapezoid(ys[order], xs[order])
