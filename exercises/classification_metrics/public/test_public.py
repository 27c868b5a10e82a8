"""Public check for classification_metrics: the README's spam example.

The probe calls each metric on these plain Python lists (positive="spam"):

    y_true = ["spam", "ham", "spam", "spam", "ham", "ham", "spam", "ham", "ham", "ham"]
    y_pred = ["spam", "spam", "ham", "spam", "ham", "ham", "spam", "ham", "spam", "ham"]

TP = 3, FN = 1, FP = 2, TN = 4.
"""

import math

import numpy as np
import pytest

from grader.checking import describe, fail

WANT = {"accuracy": 7 / 10, "precision": 3 / 5, "recall": 3 / 4, "f1": 6 / 9}


@pytest.mark.points(5)
def test_readme_example(observe):
    """The README's spam example (lists of strings, positive="spam") gives the README's values."""
    for metric, want in WANT.items():
        got = observe("readme_example", metric=metric)
        extra = "" if metric == "accuracy" else ', positive="spam"'
        call = f"{metric}(y_true, y_pred{extra})"
        if isinstance(got, dict):
            fail(f"{call} should return a number, but it returned a {got['not_a_number']}.")
        if not math.isclose(got, want, rel_tol=1e-6):
            hint = ""
            if metric == "accuracy" and got in (0.0, 1.0):
                hint = (" (If your code compares two Python lists with ==, that gives a single True/False, "
                        "not one per sample: convert them with np.asarray first.)")
            fail(f"On the README example, {call} should be {want:.4g}, but your code gave {got:.4g}.{hint}")
    got = observe("readme_example", metric="confusion_matrix")
    want = np.array([[4, 2], [1, 3]])
    if isinstance(got, dict) or got.shape != (2, 2) or not np.array_equal(got, want):
        shown = got["not_an_array"] if isinstance(got, dict) else describe(got)
        fail(f"On the README example, confusion_matrix(y_true, y_pred) should be [[4, 2], [1, 3]] "
             f"(labels sorted: 'ham' then 'spam'; rows are true labels), but your code gave {shown}.")
