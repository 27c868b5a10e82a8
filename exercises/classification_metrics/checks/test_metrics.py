"""Hidden checks for classification_metrics.

Binary samples are described by their counts (TP, FN, FP, TN) here and built
from the same counts in ``probes.py``; expected values are computed from the
counts, so any correct implementation (loops, numpy, a confusion matrix, ...)
gets them. Messages name the property that failed and, where the value matches
a known wrong formula, that formula.

A check names a known bug only on its symptom: a value that is another formula
(specificity for recall, accuracy for precision, 2AR / (A + R) for F1, accuracy
on the ROC curve's axis, a transposed confusion matrix), or, for the post's
arithmetic slips, the right formula's value rounded (or the post's own number)
while the same function is exact or merely rounded on every other sample.
Any other wrong value fails without naming a bug.
"""

import itertools
import math

import numpy as np
import pytest

from grader.checking import ObservationMissing, describe, expect_close, fail

BINARY = {  # (TP, FN, FP, TN), as in probes.py
    "worked_accuracy": (100, 300, 50, 200),
    "worked_recall": (290, 110, 50, 150),
    "worked_f1": (48, 12, 32, 8),
    "asymmetric": (30, 10, 20, 40),
    "rare_positives": (10, 5, 40, 145),
}
THREE_CLASS = {  # rows = true label 0, 1, 2; columns = predicted label
    "never_predicts_2": [[50, 5, 0], [10, 20, 0], [4, 6, 0]],
    "mixed": [[8, 1, 1], [2, 15, 3], [0, 4, 26]],
    "never_true_2": [[40, 5, 3], [6, 30, 2], [0, 0, 0]],
}


# ---------------------------------------------------------------- helpers

def _number(got, call):
    """The observed metric; fail unless it is a finite real number."""
    if isinstance(got, dict):
        fail(f"{call} should return a number (a float), but it returned a {got['not_a_number']}.")
    if not math.isfinite(got):
        fail(f"{call} should return a finite number, but it returned {got}: "
             "is a ratio dividing by zero? (see the zero_division argument)")
    return got


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7)  # float32 results are fine


def _roundings(exact):
    """The right value rounded, or truncated, to 1-4 decimals (the post's kind of slip); the exact value excluded."""
    values = set()
    for digits in (1, 2, 3, 4):
        scale = 10 ** digits
        values |= {round(exact, digits), math.floor(exact * scale) / scale}
    return [v for v in values if not _close(v, exact)]


def _rounded(got, exact):
    """Whether ``got`` is ``exact`` rounded or truncated to a few decimals (and not ``exact`` itself)."""
    return any(_close(got, v) for v in _roundings(exact))


def _observed(observe, **case):
    """The student's value for another "binary" case, or None if that case raised or never came back."""
    if observe.error("binary", **case) is not None:
        return None
    try:
        return observe("binary", **case)
    except ObservationMissing:
        return None


def _exact_or_rounded(observe, metric, examples):
    """Whether ``metric`` gave the right value, or it rounded, on every one of these samples (nothing raised)."""
    for example in examples:
        got = _observed(observe, metric=metric, example=example)
        if got is None:
            return False
        want = _rates(example)[metric]
        if isinstance(got, dict) or not (_close(got, want) or _rounded(got, want)):
            return False
    return True


def _readme_accuracy_right(observe):
    """Whether accuracy gave 7 / 10 on the README's sample of 10 (the public check's case)."""
    if observe.error("readme_example", metric="accuracy") is not None:
        return False
    try:
        got = observe("readme_example", metric="accuracy")
    except ObservationMissing:
        return False
    return isinstance(got, float) and _close(got, 0.7)


def _rates(name):
    """Every binary quantity of a sample, from its counts."""
    tp, fn, fp, tn = BINARY[name]
    n = tp + fn + fp + tn
    p, r = tp / (tp + fp), tp / (tp + fn)
    return {
        "accuracy": (tp + tn) / n,
        "precision": p,
        "recall": r,
        "specificity": tn / (tn + fp),
        "predicted_positive_rate": (tp + fp) / n,
        "prevalence": (tp + fn) / n,
        "f1": 2 * tp / (2 * tp + fp + fn),
    }


def _per_class_f1(counts):
    cm = np.asarray(counts, dtype=float)
    tp = np.diag(cm)
    denominator = cm.sum(axis=0) + cm.sum(axis=1)  # 2TP + FP + FN
    return np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)


# ---------------------------------------------------------------- recall, precision, accuracy, F1

@pytest.mark.points(15)
@pytest.mark.bug("recall-defined-on-negatives")
def test_recall_counts_positives(observe):
    """recall is TP / (TP + FN), the share of actual positives found (not of negatives)."""
    for example in ("asymmetric", "rare_positives"):
        rates = _rates(example)
        got = _number(observe("binary", metric="recall", example=example), "recall(y_true, y_pred)")
        if _close(got, rates["recall"]):
            continue
        if _close(got, rates["specificity"]):
            fail("recall should be the share of actual positives that the model finds, TP / (TP + FN), but "
                 "your value is the share of actual negatives correctly rejected, TN / (TN + FP): that is "
                 "specificity, not recall.", bug="recall-defined-on-negatives")
        if _close(got, rates["precision"]):
            fail("recall should be TP / (TP + FN) (of the actual positives, the share predicted positive), "
                 "but your value equals the precision, TP / (TP + FP).")
        if _rounded(got, rates["recall"]):
            fail(f"recall should be exactly TP / (TP + FN), but your recall on a binary sample gave {got:.4g}, "
                 "that ratio rounded: return the exact value.")
        fail(f"recall should be TP / (TP + FN), the share of actual positives predicted positive, but your "
             f"recall on a binary sample gave {got:.4g}, which is not that ratio.")


@pytest.mark.points(15)
@pytest.mark.bug("precision-formula-copy")
def test_precision_differs_from_accuracy(observe):
    """precision is TP / (TP + FP), not the accuracy formula."""
    for example in ("asymmetric", "rare_positives"):
        rates = _rates(example)
        got = _number(observe("binary", metric="precision", example=example), "precision(y_true, y_pred)")
        if _close(got, rates["precision"]):
            continue
        if _close(got, rates["accuracy"]):
            fail("precision should be TP / (TP + FP): of the samples predicted positive, the share that are "
                 "positive. Your precision equals the accuracy, (TP + TN) / N, on a sample built so that "
                 "the two differ: the accuracy formula was reused.", bug="precision-formula-copy")
        if _close(got, rates["predicted_positive_rate"]):
            fail("precision should be TP / (TP + FP), but your value is the share of all samples predicted "
                 "positive, (TP + FP) / N: the denominator must be the predicted positives only.")
        if _close(got, rates["recall"]):
            fail("precision should be TP / (TP + FP), but your value equals the recall, TP / (TP + FN).")
        fail(f"precision should be TP / (TP + FP), but your precision on a binary sample gave {got:.4g}, "
             "which is not that ratio.")


@pytest.mark.points(5)
@pytest.mark.bug("accuracy-arithmetic")
def test_accuracy_worked_example(observe):
    """accuracy of the post's example (300 correct predictions of 650) is 300/650 = 0.4615, not 0.6."""
    got = _number(observe("binary", metric="accuracy", example="worked_accuracy"), "accuracy(y_true, y_pred)")
    # The post's slip is arithmetic: its value (0.6), or 300 / 650 rounded, from an accuracy that is the
    # right share on the README's sample (7 of 10) too; e.g. TN / (TN + FN) is 0.4 here, but 0.8 there.
    if (_close(got, 0.6) or _rounded(got, 300 / 650)) and _readme_accuracy_right(observe):
        fail(f"On the post's example, 300 of 650 predictions are correct, so accuracy = 300 / 650 = 0.4615; "
             f"your accuracy gave {got:.4g}, " + ("the post's wrong arithmetic." if _close(got, 0.6) else
                                               "that fraction rounded: return the exact value."),
             bug="accuracy-arithmetic")
    expect_close(got, 300 / 650, what="accuracy on a sample with 300 correct predictions out of 650",
                 rtol=1e-6, atol=1e-9)


@pytest.mark.points(5)
@pytest.mark.bug("recall-arithmetic")
def test_recall_worked_example(observe):
    """recall of the post's example (TP = 90 + 200, FN = 10 + 100) is 290/400 = 0.725, not 0.8."""
    got = _number(observe("binary", metric="recall", example="worked_recall"), "recall(y_true, y_pred)")
    if _close(got, 290 / 400):
        return
    # The post's slip is arithmetic: its value (0.8), or the right ratio rounded, from a recall that is
    # otherwise the right formula (exact or merely rounded on the other samples too).
    if (_close(got, 0.8) or _rounded(got, 290 / 400)) and _exact_or_rounded(
            observe, "recall", ("asymmetric", "rare_positives")):
        fail(f"On the post's example, TP = 90 + 200 = 290 and FN = 10 + 100 = 110, so recall = 290 / 400 = "
             f"0.725 (the post's 0.8 is wrong); your recall gave {got:.4g}, not the exact ratio.",
             bug="recall-arithmetic")
    if _close(got, _rates("worked_recall")["specificity"]):
        fail(f"recall on a sample with TP = 290 and FN = 110 should be 290 / 400 = 0.725, but your recall gave "
             f"{got:.4g}, the specificity TN / (TN + FP) of that sample.")
    expect_close(got, 290 / 400, what="recall on a sample with TP = 290 and FN = 110", rtol=1e-6, atol=1e-9)


@pytest.mark.points(5)
@pytest.mark.bug("f1-arithmetic")
def test_f1_worked_example(observe):
    """F1 at precision 0.6 and recall 0.8 is 2 * 0.48 / 1.4 = 0.6857, not 0.64."""
    got = _number(observe("binary", metric="f1", example="worked_f1"), "f1(y_true, y_pred)")
    if _close(got, 0.96 / 1.4):
        return
    message = (f"On a sample with precision 0.6 and recall 0.8, F1 = 2 * 0.6 * 0.8 / (0.6 + 0.8) = 0.6857 "
               f"(the post's 0.64 is wrong), but your f1 gave {got:.4g}")
    # The post's slip is arithmetic: its value (0.64), or 2PR / (P + R) rounded, from an f1 that is the
    # right formula on the other samples (exact or merely rounded). Another formula is not this bug:
    # e.g. (P + R) / 2 = 0.7 here is also 0.6857 rounded, but not on the other samples.
    if (_close(got, 0.64) or _rounded(got, 0.96 / 1.4)) and _exact_or_rounded(
            observe, "f1", ("asymmetric", "rare_positives")):
        fail(f"{message}: return the exact value.", bug="f1-arithmetic")
    rates = _rates("worked_f1")
    if _close(got, 2 * rates["accuracy"] * rates["recall"] / (rates["accuracy"] + rates["recall"])):
        fail(f"{message}, which combines the accuracy (0.56) with the recall instead of the precision.")
    if _close(got, (rates["precision"] + rates["recall"]) / 2):
        fail(f"{message}, the arithmetic mean (P + R) / 2 of precision and recall, not their harmonic mean.")
    fail(f"{message}.")


@pytest.mark.points(10)
@pytest.mark.bug("f1-uses-accuracy")
def test_f1_combines_precision_and_recall(observe):
    """f1 is the harmonic mean of precision and recall, 2PR / (P + R); accuracy plays no part."""
    for example in ("asymmetric", "rare_positives"):
        rates = _rates(example)
        p, r, a = rates["precision"], rates["recall"], rates["accuracy"]
        got = _number(observe("binary", metric="f1", example=example), "f1(y_true, y_pred)")
        if _close(got, rates["f1"]):
            continue
        if _close(got, 2 * a * r / (a + r)):
            # Your own precision may be the accuracy formula (another bug, named by its own check):
            # then f1 = 2PR / (P + R) is right and only inherits it.
            own_precision = _observed(observe, metric="precision", example=example)
            if isinstance(own_precision, float) and _close(own_precision, a):
                fail("Your f1 equals 2PR / (P + R) computed with your precision, but your precision returns "
                     "the accuracy: fix precision (TP / (TP + FP)) and f1 follows.")
            fail("F1 combines precision and recall, 2PR / (P + R), but your f1 combines the accuracy with "
                 "the recall: on a sample where accuracy and precision differ it gives the wrong value.",
                 bug="f1-uses-accuracy")
        if _close(got, (p + r) / 2):
            fail("F1 is the harmonic mean of precision and recall, 2PR / (P + R), but your f1 is their "
                 "arithmetic mean (P + R) / 2.")
        if _close(got, p * r / (p + r)):
            fail("F1 is 2PR / (P + R), but your f1 is P * R / (P + R): the factor 2 is missing.")
        if _rounded(got, rates["f1"]):
            fail(f"F1 should be exactly 2PR / (P + R), but your f1 on a binary sample gave {got:.4g}, that value "
                 "rounded: return the exact value.")
        fail(f"F1 should be 2PR / (P + R) with P = TP / (TP + FP) and R = TP / (TP + FN), but your f1 on a "
             f"binary sample gave {got:.4g}, which is not that value.")


# ---------------------------------------------------------------- confusion matrix

def _binary_matrix(name):
    tp, fn, fp, tn = BINARY[name]
    return np.array([[tn, fp], [fn, tp]])  # labels sorted: 0 then 1


CONFUSION_CASES = [  # (probe case, expected matrix, what)
    ({"example": "asymmetric", "labels": None}, _binary_matrix("asymmetric"), "a binary sample"),
    ({"example": "never_predicts_2", "labels": None}, np.array(THREE_CLASS["never_predicts_2"]),
     "a 3-class sample"),
    ({"example": "mixed", "labels": None}, np.array(THREE_CLASS["mixed"]), "a 3-class sample"),
    ({"example": "mixed", "labels": [2, 0, 1]}, np.array(THREE_CLASS["mixed"])[np.ix_([2, 0, 1], [2, 0, 1])],
     "a 3-class sample with labels given in another order"),
    ({"example": "never_predicts_2", "labels": [0, 1, 2, 3]},
     np.pad(np.array(THREE_CLASS["never_predicts_2"]), ((0, 1), (0, 1))),
     "a 3-class sample with labels including one that never occurs"),
    ({"example": "never_true_2", "labels": None}, np.array(THREE_CLASS["never_true_2"]),
     "a 3-class sample where one label is predicted but never the true label"),
]


@pytest.mark.points(10)
@pytest.mark.bug("inconsistent-table")
def test_confusion_matrix_is_consistent(observe):
    """confusion_matrix is K x K, rows = true labels, columns = predictions; rows sum to the supports."""
    for case, want, what in CONFUSION_CASES:
        got = observe("confusion", **case)
        if isinstance(got, dict):
            fail("confusion_matrix should return a 2-D array of counts, but it returned a "
                 f"{got['not_an_array']}.")
        k = want.shape[0]
        if got.shape != want.shape:
            default = (" By default the labels are the sorted labels found in y_true and y_pred together."
                       if case["labels"] is None and got.ndim == 2 and got.shape[0] == got.shape[1] < k else "")
            fail(f"For {what}, confusion_matrix should be a {k} x {k} array (one row and one column per "
                 f"label: rows are true labels, columns predicted labels), but yours has shape "
                 f"{tuple(got.shape)}.{default}")
        if not np.all(np.isfinite(got)) or not np.array_equal(got, np.round(got)):
            fail(f"A confusion matrix holds counts (whole numbers), but yours was {describe(got)}.")
        if np.array_equal(got, want):
            continue
        if got.sum() != want.sum():
            fail(f"For {what}, the counts should add up to the number of samples, but yours add up to "
                 f"{int(got.sum())}, which is not it.")
        if np.array_equal(got, want.T):
            fail(f"For {what}, your matrix is transposed: row i must count the samples whose TRUE label is "
                 "the i-th label (so it sums to that class's support), and column j those PREDICTED as the "
                 "j-th.", bug="inconsistent-table")
        if case["labels"] is not None and any(np.array_equal(got, want[np.ix_(order, order)])
                                              for order in itertools.permutations(range(k))):
            fail(f"For {what}, your matrix has the right counts, but its rows and columns are not in the "
                 "order of the labels argument: row i and column i must be labels[i].")
        if not np.array_equal(got.sum(axis=1), want.sum(axis=1)):
            fail(f"For {what}, each row should count the samples of one true class, so the row sums should "
                 "be the class supports (how often each label occurs in y_true), but yours are not.")
        order = " and that rows and columns follow the order of the labels argument" if case["labels"] else ""
        fail(f"For {what}, {int((got != want).sum())} cells of your confusion matrix are wrong although the "
             f"row sums are right: check the column (predicted label) each sample is counted in{order}.")


# ---------------------------------------------------------------- ROC

def _auc(y, scores):
    """Tie-aware AUC: P(score of a positive > score of a negative) + half the ties."""
    pos, neg = scores[y == 1], scores[y != 1]
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def _rates_at(y, scores, thresholds):
    """(accuracy, TPR) of "positive when score >= t" and of "score > t" at each threshold."""
    pos = y == 1
    for strict in (False, True):
        above = scores[None, :] > thresholds[:, None] if strict else scores[None, :] >= thresholds[:, None]
        yield (above == pos[None, :]).mean(axis=1), (above & pos).sum(axis=1) / pos.sum()


def _accuracy_on_an_axis(y, scores, fpr, tpr, thresholds):
    """Whether the curve is (accuracy, recall) or (recall, accuracy) at its own thresholds: the post's curve."""
    for accuracy, recall in _rates_at(y, scores, thresholds):
        for x, v in ((fpr, tpr), (tpr, fpr)):
            if np.allclose(x, accuracy, atol=1e-6) and np.allclose(v, recall, atol=1e-6):
                return True
    return False


def _accuracy_recall_areas(y, scores):
    """Areas under the post's curve (accuracy on x, recall on y, thresholds from the top down), with and
    without a first threshold above every score."""
    distinct = np.unique(scores)[::-1]
    for thresholds in (np.concatenate([[np.inf], distinct]), distinct):
        for accuracy, recall in _rates_at(y, scores, thresholds):
            yield float(np.sum(np.diff(accuracy) * (recall[1:] + recall[:-1]) / 2))


@pytest.mark.points(10)
@pytest.mark.bug("roc-wrong-axes")
def test_roc_curve_axes(observe, expected):
    """roc_curve gives (FPR, TPR) points from (0, 0) to (1, 1), monotone, each the rates at its threshold."""
    for example in ("distinct", "ties", "perfect"):
        data = expected("roc_curve", example=example)
        y, scores = np.asarray(data["y_true"]), np.asarray(data["scores"], dtype=float)
        got = observe("roc_curve", example=example)
        if got["returned"] != "triple":
            fail(f"roc_curve should return three sequences (fpr, tpr, thresholds), but it returned a "
                 f"{got['returned']}.")
        arrays = {}
        for name in ("fpr", "tpr", "thresholds"):
            if isinstance(got[name], dict):
                fail(f"The {name} returned by roc_curve should be a sequence of numbers, but it was a "
                     f"{got[name]['not_an_array']}.")
            arrays[name] = got[name]
        fpr, tpr, thresholds = arrays["fpr"], arrays["tpr"], arrays["thresholds"]
        same_length = fpr.size == tpr.size == thresholds.size >= 2
        if not (fpr.ndim == tpr.ndim == thresholds.ndim == 1 and same_length):
            fail(f"fpr, tpr and thresholds should be 1-D and of the same length (one entry per point), but "
                 f"their shapes are {fpr.shape}, {tpr.shape} and {thresholds.shape}.")
        if not (np.all(np.isfinite(fpr)) and np.all(np.isfinite(tpr))):
            fail("fpr and tpr should be finite rates between 0 and 1, but yours contain nan or inf.")
        if _accuracy_on_an_axis(y, scores, fpr, tpr, thresholds):
            fail("Your curve plots the accuracy at each threshold on one axis and the recall (TPR) on the "
                 "other: a ROC curve plots the true-positive rate TP / (TP + FN) against the false-positive "
                 "rate FP / (FP + TN), from (0, 0) to (1, 1).", bug="roc-wrong-axes")
        start, end = (float(fpr[0]), float(tpr[0])), (float(fpr[-1]), float(tpr[-1]))
        if np.allclose(start, (1, 1)) and np.allclose(end, (0, 0)):
            fail("A ROC curve runs from (FPR, TPR) = (0, 0) to (1, 1), but yours runs from (1, 1) to (0, 0): "
                 "return the points in order of decreasing threshold, starting above every score.")
        if np.allclose(start, (0, 0)) and not np.allclose(end, (1, 1)):
            fail("A ROC curve ends at (FPR, TPR) = (1, 1), where every sample is predicted positive, but yours "
                 f"ends at ({end[0]:.3g}, {end[1]:.3g}): the last threshold must put every score on the positive "
                 "side (with the rule 'score >= threshold', the lowest score).")
        if np.allclose(end, (1, 1)) and not np.allclose(start, (0, 0)):
            fail("A ROC curve starts at (FPR, TPR) = (0, 0), where nothing is predicted positive, but yours "
                 f"starts at ({start[0]:.3g}, {start[1]:.3g}): the first threshold must be above every score "
                 "(e.g. inf).")
        if not (np.allclose(start, (0, 0)) and np.allclose(end, (1, 1))):
            fail("A ROC curve runs from (FPR, TPR) = (0, 0), where nothing is predicted positive, to "
                 f"(1, 1), where everything is, but yours runs from ({start[0]:.3g}, {start[1]:.3g}) to "
                 f"({end[0]:.3g}, {end[1]:.3g}). ROC plots the true-positive rate (recall) against the "
                 "false-positive rate FP / (FP + TN), not accuracy or precision.")
        if np.any(np.diff(fpr) < -1e-12) or np.any(np.diff(tpr) < -1e-12):
            fail("As the threshold decreases, fpr and tpr can only grow, but yours decrease somewhere: "
                 "return the points in order of decreasing threshold.")
        pos, neg = y == 1, y != 1
        for strict in (False, True):
            s, t = scores[None, :], thresholds[:, None]
            above = s > t if strict else s >= t
            want_tpr = (above & pos).sum(axis=1) / pos.sum()
            want_fpr = (above & neg).sum(axis=1) / neg.sum()
            if np.allclose(tpr, want_tpr, atol=1e-6) and np.allclose(fpr, want_fpr, atol=1e-6):
                break
        else:
            fail("Each point of the curve should be (FPR, TPR) of the rule 'predict positive when score >= "
                 "threshold' at its threshold: FPR = FP / (FP + TN) among the negatives, "
                 "TPR = TP / (TP + FN) among the positives. Some of your points are not.")
        area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
        if not math.isclose(area, _auc(y, scores), abs_tol=1e-6):
            fail(f"The area under your curve is {area:.4g}, which is not the AUC of the scores: the curve "
                 "must have a point for every distinct score (a threshold at each one), not just a few.")


def _roc_sample(expected, example):
    """(y_true, scores) of a roc_auc case, where the roc_curve probe shows them (the reversed case is the
    perfect one with every score s replaced by 1 - s); None for the constant case."""
    source = {"perfect": "perfect", "reversed": "perfect", "ties": "ties", "distinct": "distinct"}.get(example)
    if source is None:
        return None
    data = expected("roc_curve", example=source)
    y, scores = np.asarray(data["y_true"]), np.asarray(data["scores"], dtype=float)
    return (y, 1.0 - scores) if example == "reversed" else (y, scores)


AUC_CASES = [  # (probe case, expected AUC or None for "tie-aware reference", message)
    ({"example": "perfect", "kind": "array"}, 1.0,
     "scores that rank every positive above every negative should give AUC = 1"),
    ({"example": "reversed", "kind": "array"}, 0.0,
     "scores that rank every negative above every positive should give AUC = 0"),
    ({"example": "constant", "kind": "array"}, 0.5,
     "identical scores for all samples carry no information and should give AUC = 0.5"),
    ({"example": "ties", "kind": "array"}, None,
     "with tied scores, each (positive, negative) pair counts 1 if the positive scores higher and 1/2 if "
     "they tie"),
    ({"example": "distinct", "kind": "list"}, None,
     "the AUC is the share of (positive, negative) pairs that the scores put in the right order"),
]


@pytest.mark.points(10)
@pytest.mark.bug("roc-wrong-axes")
def test_roc_auc_values(observe, expected):
    """roc_auc is 1 for a perfect ranking, 0 for a reversed one, 0.5 for constant scores; ties count half."""
    for case, want, message in AUC_CASES:
        got = _number(observe("roc_auc", **case), "roc_auc(y_true, scores)")
        if want is None:
            data = expected("roc_curve", example=case["example"])
            want = _auc(np.asarray(data["y_true"]), np.asarray(data["scores"], dtype=float))
        if not math.isclose(got, want, abs_tol=1e-6):
            lists = " (inputs given as plain lists)" if case["kind"] == "list" else ""
            sample = _roc_sample(expected, case["example"])
            if sample is not None and any(math.isclose(got, area, abs_tol=1e-6)
                                          for area in _accuracy_recall_areas(*sample)):
                fail(f"The AUC is wrong: {message}, but your roc_auc gave {got:.4g}{lists}, the area under the "
                     "recall plotted against the accuracy: the ROC curve plots the true-positive rate against "
                     "the false-positive rate FP / (FP + TN).", bug="roc-wrong-axes")
            fail(f"The AUC is wrong: {message}, but your roc_auc gave {got:.4g}{lists}.")


# ---------------------------------------------------------------- zero division, macro F1

ZERO_DIVISION = [  # (metric, situation, zero_division, expected, what)
    ("precision", "no_predicted_positive", None, 0.0, "nothing is predicted positive"),
    ("precision", "no_predicted_positive", 1.0, 1.0, "nothing is predicted positive"),
    ("recall", "no_actual_positive", None, 0.0, "y_true has no positive"),
    ("recall", "no_actual_positive", 1.0, 1.0, "y_true has no positive"),
    ("f1", "no_positive_at_all", None, 0.0, "neither y_true nor y_pred has a positive"),
    ("f1", "no_positive_at_all", 1.0, 1.0, "neither y_true nor y_pred has a positive"),
]
NOT_ZERO_DIVISION = [  # (metric, situation, denominator): TP = 0 but the denominator is not 0
    ("precision", "no_true_positive", "TP + FP"),
    ("recall", "no_true_positive", "TP + FN"),
    ("f1", "no_true_positive", "2TP + FP + FN"),
    ("f1", "no_predicted_positive", "2TP + FP + FN"),
]


@pytest.mark.points(5)
def test_zero_division(observe):
    """An undefined ratio returns zero_division (default 0.0); roc_curve on a single class raises ValueError."""
    for metric, situation, z, want, what in ZERO_DIVISION:
        call = f"{metric}(y_true, y_pred{'' if z is None else f', zero_division={z:g}'})"
        got = _number(observe("zero_division", metric=metric, situation=situation, zero_division=z), call)
        if not _close(got, want):
            fail(f"When {what}, {metric} is 0 / 0: {call} should return {want:g} (the zero_division value), "
                 f"but it returned {got:g}.")
    for metric, situation, denominator in NOT_ZERO_DIVISION:
        call = f"{metric}(y_true, y_pred, zero_division=1)"
        got = _number(observe("zero_division", metric=metric, situation=situation, zero_division=1.0), call)
        if not _close(got, 0.0):
            fail(f"On a sample with no true positive (TP = 0) but {denominator} > 0, {metric} is 0 / ({denominator}) "
                 f"= 0, whatever zero_division is (it is only for 0 / 0), but {call} returned {got:g}.")
    for label in (0, 1):
        got = observe("roc_one_class", label=label)
        if got["raised"] is None:
            fail(f"roc_curve on labels that are all {label} should raise ValueError (the "
                 f"{'true' if label == 0 else 'false'}-positive rate is 0 / 0), but it returned normally.")
        if not got["is_value_error"]:
            fail(f"roc_curve on labels that are all {label} should raise ValueError, but it raised {got['raised']}.")


@pytest.mark.points(5)
def test_macro_f1_three_classes(observe):
    """macro_f1 is the unweighted mean of the per-class F1 over 3 classes."""
    for example, kind in (("never_predicts_2", "array"), ("mixed", "list"), ("never_true_2", "array")):
        counts = np.asarray(THREE_CLASS[example], dtype=float)
        per_class = _per_class_f1(counts)
        want = float(per_class.mean())
        got = _number(observe("macro", example=example, kind=kind), "macro_f1(y_true, y_pred)")
        if _close(got, want):
            continue
        lists = " (inputs given as plain lists)" if kind == "list" else ""
        if _close(got, np.trace(counts) / counts.sum()):
            fail(f"Your macro_f1 equals the accuracy (the micro average){lists}: macro F1 computes F1 for "
                 "each class in turn as the positive one and takes their plain mean.")
        if _close(got, float(per_class @ counts.sum(axis=1) / counts.sum())):
            fail(f"Your macro_f1 weights each class by its support{lists}: macro F1 is the plain, unweighted "
                 "mean of the per-class F1 scores.")
        if example == "never_predicts_2" and _close(got, float(per_class[:2].mean())):
            fail("Your macro_f1 leaves out a class that is never predicted: its F1 is 0 and it must still "
                 "count in the mean over all classes.")
        if example == "never_true_2" and _close(got, float(per_class[:2].mean())):
            fail("Your macro_f1 leaves out a label that is predicted but never the true label: every label of "
                 "y_true or y_pred counts, that one with F1 = 0.")
        fail(f"macro F1 should be the unweighted mean of the F1 of each of the 3 classes (each in turn the "
             f"positive class), but your macro_f1 gave {got:.4g}{lists}.")
