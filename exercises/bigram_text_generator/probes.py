"""Probes for bigram_text_generator: run the student's functions, return what they produced.

Corpora and models are built here, from fixed data or a private ``random.Random``
(so the student's own random calls cannot change them). Models handed to
``generate_text`` follow the documented format ``{word: {next word: count}}``,
so that ``generate_text`` is observed on its own, whatever ``build_bigram_model``
does. Probes return the generated text (and, where a check needs it, the corpus
it came from); the checks judge it.
"""

import hashlib
import numbers
import random
from collections.abc import Mapping
from itertools import pairwise

from grader.probing import probe

# ---------------------------------------------------------------- inputs

FOX = "the quick brown fox jumps over the lazy dog".split()
COLOURS = "red orange yellow green blue indigo violet".split()


def _count(tokens):
    """Successor counts of ``tokens`` in the documented model format (our own code)."""
    model = {}
    for current, following in pairwise(tokens):
        successors = model.setdefault(current, {})
        successors[following] = successors.get(following, 0) + 1
    return model


def _cyclic(tokens):
    """The model of ``tokens`` read in a loop: every word has at least one successor."""
    return _count(tokens + tokens[:1])


def _sparse_corpus(seed, vocabulary=20, steps=200):
    """A random walk on a sparse graph: each word has only 2 or 3 possible successors."""
    rng = random.Random(seed)
    words = [f"w{i:02d}" for i in range(vocabulary)]
    allowed = {w: rng.sample(words, rng.choice((2, 3))) for w in words}
    corpus = [rng.choice(words)]
    for _ in range(steps - 1):
        corpus.append(rng.choice(allowed[corpus[-1]]))
    return corpus


def _text(value):
    """A returned string as a plain ``str``; anything else by its type name."""
    if isinstance(value, str):
        return str(value)
    return {"not_a_string": type(value).__name__}


def _state_digest():
    return hashlib.sha256(repr(random.getstate()).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- build_bigram_model

BUILD_CORPORA = {
    "repeats": "a b a c a b".split(),
    "fox": FOX,
    "single": ["alone"],
    "empty": [],
}


@probe("build", cases=[{"corpus": name} for name in BUILD_CORPORA])
def build(student, corpus):
    """The student's model of a small corpus, copied into plain dicts."""
    model = student.build_bigram_model(list(BUILD_CORPORA[corpus]))
    if not isinstance(model, Mapping):
        return {"type": type(model).__name__}
    plain = {}
    for word, successors in model.items():
        key = str(word)
        if isinstance(successors, Mapping):
            plain[key] = {str(v): _count_value(n) for v, n in successors.items()}
        else:
            plain[key] = {"__type__": type(successors).__name__}
    return {"type": "mapping", "model": plain}


def _count_value(n):
    """A count as a float (ints, numpy ints, floats); anything else by its type name."""
    if isinstance(n, numbers.Real) and not isinstance(n, bool):
        return float(n)
    return type(n).__name__


# ---------------------------------------------------------------- generate_text

@probe("separated", cases=[{"length": 10, "seed": 0}, {"length": 25, "seed": 3}])
def separated(student, length, seed):
    """Continue a 2-word prompt on the looped fox sentence."""
    return _text(student.generate_text(_cyclic(FOX), "quick brown", length, seed=seed))


@probe("forced", cases=[{"prompt": "yellow", "length": 15}, {"prompt": "blue red", "length": 9}])
def forced(student, prompt, length):
    """A looped corpus where every word has exactly one successor: the text is determined."""
    return _text(student.generate_text(_cyclic(COLOURS), prompt, length, seed=11))


@probe("sparse", cases=[{"seed": 0}, {"seed": 1}, {"seed": 2}])
def sparse(student, seed):
    """60 words generated from a 200-word corpus with few possible successors per word."""
    corpus = _sparse_corpus(100 + seed)
    model = _cyclic(corpus)
    text = student.generate_text(model, corpus[0], 60, seed=seed)
    return {"corpus": corpus, "prompt": corpus[0], "length": 60, "text": _text(text)}


FREQUENCY_MODELS = {
    "three_to_one": {"start": {"heads": 3, "tails": 1}, "heads": {"start": 1}, "tails": {"start": 1}},
    "one_two_five": {"hub": {"x": 1, "y": 2, "z": 5}, "x": {"hub": 1}, "y": {"hub": 1}, "z": {"hub": 1}},
}


@probe("frequency", cases=[{"model": name} for name in FREQUENCY_MODELS])
def frequency(student, model):
    """400 texts of 20 words (seeds 0-399): about 4,000 draws of the branching word in all."""
    start = next(iter(FREQUENCY_MODELS[model]))
    return [_text(student.generate_text(FREQUENCY_MODELS[model], start, 20, seed=s)) for s in range(400)]


def _model_digest(model):
    """The model's successor counts (words without successors left out: both forms are allowed)."""
    rows = {str(w): sorted((str(v), repr(n)) for v, n in successors.items())
            for w, successors in model.items() if successors}
    return hashlib.sha256(repr(sorted(rows.items())).encode()).hexdigest()[:16]


@probe("reproducible")
def reproducible(student):
    """The same seed twice, ten other seeds, and the global random state and the model around the calls."""
    model = _cyclic(_sparse_corpus(7))
    model_before = _model_digest(model)
    random.seed(1234)
    before = _state_digest()
    first = _text(student.generate_text(model, "w03", 30, seed=42))
    again = _text(student.generate_text(model, "w03", 30, seed=42))
    by_seed = [_text(student.generate_text(model, "w03", 30, seed=s)) for s in range(10)]
    after = _state_digest()
    return {"first": first, "again": again, "by_seed": by_seed,
            "global_state_before": before, "global_state_after": after,
            "model_changed": _model_digest(model) != model_before}


DEAD_ENDS = {
    # prompt, model, length
    "unknown_last_word": ("blue zebra", _cyclic(COLOURS), 5),
    "chain_runs_out": ("one", {"one": {"two": 1}, "two": {"three": 1}}, 10),
    "empty_successors": ("one", {"one": {"two": 1}, "two": {}}, 10),
    "length_zero": ("green blue", _cyclic(COLOURS), 0),
}


@probe("dead_end", cases=[{"situation": name} for name in DEAD_ENDS])
def dead_end(student, situation):
    """Texts whose last word has no successor, and a request for 0 words."""
    prompt, model, length = DEAD_ENDS[situation]
    return _text(student.generate_text(model, prompt, length, seed=0))


@probe("empty_prompt")
def empty_prompt(student):
    """An empty prompt must raise ValueError: what was raised (or returned) is the observation."""
    try:
        out = student.generate_text(_cyclic(FOX), "", 5, seed=0)
    except Exception as exc:  # raising is the behaviour under test
        return {"raised": type(exc).__name__, "is_value_error": isinstance(exc, ValueError)}
    return {"raised": None, "returned": _text(out)}


# ---------------------------------------------------------------- public example

README_CORPUS = "the cat sat on the mat".split()


@probe("readme_example")
def readme_example(student):
    """The README's example, end to end with the student's own model."""
    model = student.build_bigram_model(list(README_CORPUS))
    return _text(student.generate_text(model, "the", 4, seed=0))
