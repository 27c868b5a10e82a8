"""Hidden checks: SQuAD evaluation (normalisation, exact match, F1, and their mean over a data set).

The expected values follow the official SQuAD script: lower case, delete ASCII
punctuation, drop the articles a/an/the, collapse whitespace; F1 counts common
tokens with multiplicity; a data set's score is the mean over examples of the
best score over each example's gold answers.
"""

import math

import pytest

from grader.checking import describe, fail, raised

NORMALIZED = ["paris", "apple day", "eiffel tower paris", "", "theory of art"]
EXACT_MATCH = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
F1 = [1.0, 0.0, 0.4, 0.5, 0.0, 0.0, 2 / 3, 1.0]
EVALUATION_FUNCTIONS = ("normalize_answer", "exact_match", "f1_score", "evaluate")
# (exact match, F1) of the evaluate probe's three examples when only their first gold answer counts:
# the first example matches only its second gold answer (F1 0.4 with the first), the second has F1 0.5
# with its first, the third 0.
FIRST_GOLD_ONLY = (0.0, 0.9 / 3)


def _missing_evaluation(observe, probe):
    """Fail naming no-evaluation when the file has no evaluation function at all."""
    error = observe.error(probe)
    for name in EVALUATION_FUNCTIONS:
        if raised(error, "AttributeError", f"does not define '{name}'"):
            fail(f"Your file does not define {name}: nothing measures how good the answers are. Score predicted "
                 "answers against gold answers with SQuAD's exact match and F1.", bug="no-evaluation")
    return observe(probe)


def _numbers(values, what):
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        fail(f"{what} should return numbers, but it returned {describe(values)}.")


@pytest.mark.points(5)
@pytest.mark.bug("no-evaluation")
def test_normalize_and_exact_match(observe):
    """normalize_answer follows SQuAD, and exact_match compares normalised answers ("The Paris!" = "paris")."""
    got = _missing_evaluation(observe, "metrics")
    for value, want in zip(got["normalized"], NORMALIZED, strict=True):
        if value != want:
            fail(f"normalize_answer returned {describe(value)} where SQuAD's normalisation gives {want!r} "
                 "(lower case, punctuation deleted, articles a/an/the dropped, single spaces).")
    _numbers(got["exact_match"], "exact_match")
    for index, (value, want) in enumerate(zip(got["exact_match"], EXACT_MATCH, strict=True)):
        if value != want:
            fail(f"exact_match gave {value!r} for a pair whose normalised answers are "
                 f"{'equal' if want else 'different'} (pair {index + 1} of {len(EXACT_MATCH)}); it should be "
                 "1.0 or 0.0 after normalize_answer on both sides.")


@pytest.mark.points(5)
@pytest.mark.bug("no-evaluation")
def test_f1(observe):
    """f1_score is SQuAD's token F1: 2PR/(P+R) over common normalised tokens, counted with multiplicity."""
    got = _missing_evaluation(observe, "metrics")
    _numbers(got["f1"], "f1_score")
    for index, (value, want) in enumerate(zip(got["f1"], F1, strict=True)):
        if not math.isclose(value, want, abs_tol=1e-6):
            fail(f"f1_score gave {value:.4g} for pair {index + 1} of {len(F1)}, where SQuAD's token F1 is "
                 f"{want:.4g}: precision = common/predicted tokens, recall = common/gold tokens, common tokens "
                 "counted with multiplicity (collections.Counter &), after normalize_answer.")


@pytest.mark.points(5)
@pytest.mark.bug("no-evaluation")
def test_evaluate(observe, expected):
    """evaluate averages, over examples, the best exact match and F1 over each example's gold answers."""
    got, want = _missing_evaluation(observe, "evaluate"), expected("evaluate")
    if got["kind"] != "dict" or not {"exact_match", "f1"} <= set(got.get("keys", [])):
        fail(f"evaluate should return a dict with keys exact_match and f1, but it returned "
             f"{got.get('keys', got['kind'])}.")
    em, f1 = got["exact_match"], got["f1"]
    _numbers([em, f1], "evaluate")
    for name, value, right in (("exact_match", em, want["exact_match"]), ("f1", f1, want["f1"])):
        if math.isclose(value, right, abs_tol=1e-6):
            continue
        if math.isclose(value, 100 * right, abs_tol=1e-4):
            fail(f"evaluate's {name} is {value:.4g}, a percentage; return a fraction between 0 and 1.")
        if (em, f1) == pytest.approx(FIRST_GOLD_ONLY, abs=1e-6):
            fail(f"evaluate's {name} is {value:.4g}: each prediction was scored against the first gold answer "
                 f"only. Keep the best score over all of an example's gold answers ({right:.4g}).")
        fail(f"evaluate's {name} is {value:.4g}, but the mean over the examples of the best {name} over each "
             f"example's gold answers (answers from answer_question) is {right:.4g}.")
