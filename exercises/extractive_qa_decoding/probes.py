"""Probes for extractive_qa_decoding: run the student's QA functions on tiny, offline models.

No download ever happens: the tokenizer is a ``BertTokenizer`` built from an
in-memory vocabulary (its size is asserted, since an offline ``from_pretrained``
silently returns a near-empty tokenizer), and the models are tiny
``BertForQuestionAnswering`` built from a config. Two kinds of model are used:

- a *lookup* model, whose start/end logits are a fixed score per token id (plus
  a tiny position term that breaks ties), so that the best span is known;
- a real, randomly initialised tiny BERT (seeded), for the end-to-end checks.

While the student's code runs, ``transformers.pipeline`` and every
``from_pretrained`` are watched: the pipeline still raises what it raises in
transformers 5, and a hub download attempt raises ``OSError`` as it would
offline; both are recorded as evidence for the judge. Data come from private
generators (``random.Random``, ``torch.Generator``), so the student's own random
calls cannot shift them. Probes return evidence only; the checks judge it.
"""

import os
import random
from collections.abc import Mapping

from grader.probing import probe

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "what where who which color is are the a an of and in on was to with for it its "
    "car bike house door wall roof boat hat dark light bright pale deep "
    "red blue green yellow black white eiffel tower paris capital france city "
    "largest river seine flows through stands built by engineer famous "
    "? . , ! ' -"
).split()
VOCAB = {word: index for index, word in enumerate(SPECIAL + WORDS)}

OBJECTS = "car bike house door wall roof boat hat".split()
ADJECTIVES = "dark light bright pale deep".split()
COLORS = "red blue green yellow black white".split()
FILLERS = "the a of and in on was to with for it".split()


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _tokenizer():
    from transformers import BertTokenizer

    tokenizer = BertTokenizer(vocab=dict(VOCAB))
    assert len(tokenizer) == len(VOCAB), f"tokenizer has {len(tokenizer)} tokens, expected {len(VOCAB)}"
    return tokenizer


def _config():
    from transformers import BertConfig

    return BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=512, type_vocab_size=2)


def _real_model(seed):
    """A randomly initialised tiny BertForQuestionAnswering (weights from a fixed seed), in eval mode.

    Its segment (token type) embeddings are scaled up so that, as in a trained BERT, the
    logits depend on which tokens are marked as the context.
    """
    torch = _torch()
    from transformers import BertForQuestionAnswering

    torch.manual_seed(seed)
    model = BertForQuestionAnswering(_config()).eval()
    with torch.no_grad():  # segments matter, as in a trained BERT: the context is segment 1
        model.bert.embeddings.token_type_embeddings.weight.mul_(50.0)
    return model


# Start and end scores of the lookup model, by word (every other token scores 0). The
# question words and special tokens score highest, so an answer taken from them is wrong.
START_SCORES = {"[CLS]": 12.0, "[SEP]": 11.0, "where": 9.0, "who": 9.0, "paris": 5.0, "seine": 4.5,
                "engineer": 3.0}
END_SCORES = {"[CLS]": 12.0, "[SEP]": 11.5, "tower": 8.0, "eiffel": 6.0, "france": 5.0, "paris": 2.0,
              "engineer": 3.5, "city": 4.0}


def _lookup_model():
    """A BertForQuestionAnswering whose logits are fixed scores of the input tokens.

    It is a real subclass (same call signature, ``.config``, ``.device``, eval/train),
    whose forward runs the network and then replaces the logits by
    ``score[token] + 0.001 * position`` (start) and ``score[token] - 0.001 * position`` (end).
    """
    torch = _torch()
    from transformers import BertForQuestionAnswering
    from transformers.modeling_outputs import QuestionAnsweringModelOutput

    start_table = torch.zeros(len(VOCAB))
    end_table = torch.zeros(len(VOCAB))
    for word, score in START_SCORES.items():
        if word in VOCAB:
            start_table[VOCAB[word]] = score
    for word, score in END_SCORES.items():
        if word in VOCAB:
            end_table[VOCAB[word]] = score

    class LookupQA(BertForQuestionAnswering):
        def forward(self, input_ids=None, *args, **kwargs):
            return_dict = kwargs.get("return_dict")
            output = super().forward(input_ids, *args, **kwargs)
            ramp = 0.001 * torch.arange(input_ids.shape[-1], dtype=torch.float32)  # the same with padding
            start = start_table[input_ids] + ramp
            end = end_table[input_ids] - ramp
            if return_dict is False:
                return (start, end) + tuple(output[2:])
            return QuestionAnsweringModelOutput(loss=None, start_logits=start, end_logits=end)

    torch.manual_seed(0)
    return LookupQA(_config()).eval()


# "Gustave", "s" and "firm" are not in the vocabulary: they become [UNK] tokens, as rare words
# would; the answer must still be cut from the context by the offsets.
PARIS_CONTEXT = "The Eiffel Tower is in Paris, the capital of France."
PARIS_QUESTION = "Where is the Eiffel Tower?"
GUSTAVE_CONTEXT = "It was built by the engineer Gustave Eiffel's firm, in Paris -- the largest city of France!"
GUSTAVE_QUESTION = "Who built the Eiffel Tower?"
SEINE_CONTEXT = "The river Seine flows through Paris, a famous city."
SEINE_QUESTION = "Which river flows through the city?"

ANSWER_CASES = {
    "paris": (PARIS_QUESTION, PARIS_CONTEXT, 15),
    "paris_short": (PARIS_QUESTION, PARIS_CONTEXT, 3),
    "gustave": (GUSTAVE_QUESTION, GUSTAVE_CONTEXT, 15),
    "seine": (SEINE_QUESTION, SEINE_CONTEXT, 2),
}


# ---------------------------------------------------------------- hub and pipeline watch


_WATCH = {"pipeline": [], "hub": []}


def _watch():
    """Record (and refuse, as offline) every pipeline task and hub load the student's code asks for.

    Installed once per worker; the records are cleared for each case. The pipeline is
    watched where it checks its task (a module-level helper that every call of
    ``transformers.pipeline`` goes through, however it was imported), so the real
    transformers 5 error still reaches the student's code.
    """
    import sys

    import transformers.pipelines as pipelines

    _WATCH["pipeline"].clear()
    _WATCH["hub"].clear()
    if getattr(pipelines, "_grader_watched", False):
        return
    resolve = pipelines._resolve_deprecated_task

    def watched_resolve(task):
        caller = sys._getframe(1)
        model = caller.f_locals.get("model", "?") if caller.f_code.co_name == "pipeline" else "?"
        _WATCH["pipeline"].append({"task": str(task), "model_given": model is not None})
        return resolve(task)

    pipelines._resolve_deprecated_task = watched_resolve
    pipelines._grader_watched = True

    from transformers import AutoConfig, AutoTokenizer, PretrainedConfig, PreTrainedModel
    from transformers.models.auto.auto_factory import _BaseAutoModelClass
    from transformers.tokenization_utils_base import PreTrainedTokenizerBase

    for owner in (PreTrainedModel, _BaseAutoModelClass, PreTrainedTokenizerBase, AutoTokenizer,
                  PretrainedConfig, AutoConfig):
        original = owner.__dict__["from_pretrained"]

        def watched(cls, name=None, *args, _original=original, **kwargs):
            if name is not None and os.path.isdir(str(name)):  # a local folder the code saved itself
                return _original.__get__(None, cls)(name, *args, **kwargs)
            _WATCH["hub"].append(f"{cls.__name__}.from_pretrained({str(name)[:80]!r})")
            raise OSError(f"We couldn't connect to 'https://huggingface.co' to load the files of {name!r}: "
                          "the grader runs offline (HF_HUB_OFFLINE=1).")

        owner.from_pretrained = classmethod(watched)


def _watched():
    return {"pipeline_calls": list(_WATCH["pipeline"]), "hub_loads": list(_WATCH["hub"])}


# ---------------------------------------------------------------- small conversions


def _int(value):
    """A 0-d tensor / numpy integer as an int; anything else unchanged (the judge describes it)."""
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    return int(value) if isinstance(value, int) else value


def _float(value):
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _span(result):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return {"kind": type(result).__name__, "length": len(result) if hasattr(result, "__len__") else None}
    start, end, score = result
    return {"kind": "triple", "start": _int(start), "end": _int(end), "score": _float(score)}


def _answer(result):
    if not isinstance(result, Mapping):
        return {"kind": type(result).__name__}
    answer = result.get("answer")
    return {
        "kind": "dict",
        "keys": sorted(str(k) for k in result),
        "answer": answer if isinstance(answer, str) else repr(answer)[:80],
        "start": _int(result.get("start")),
        "end": _int(result.get("end")),
        "score": _float(result.get("score")),
    }


# ---------------------------------------------------------------- best_span


def _span_logits(kind):
    """Start/end logits of 24 tokens and a context mask (tokens 9..22), built for one scenario."""
    torch = _torch()
    g = torch.Generator().manual_seed({"end_before_start": 1, "context": 2, "max_len": 3, "score": 4}[kind])
    n = 24
    start = torch.randn(n, generator=g)
    end = torch.randn(n, generator=g)
    mask = torch.zeros(n, dtype=torch.bool)
    mask[9:23] = True
    if kind == "end_before_start":
        start[18] += 6.0  # the best start comes late ...
        end[11] += 7.0  # ... and the best end comes earlier
        end[20] += 3.0
    elif kind == "context":
        start[0] += 12.0  # [CLS]
        end[0] += 12.0
        start[3] += 9.0  # question tokens
        end[5] += 9.0
        start[23] += 10.0  # final [SEP]
        end[23] += 10.0
        start[12] += 3.0
        end[15] += 3.0
    elif kind == "max_len":
        start[10] += 5.0
        end[21] += 5.0  # the unconstrained best span is 12 tokens long
        start[17] += 3.0
        end[19] += 2.5
    return start, end, mask


SPAN_CASES = [
    {"kind": "end_before_start", "max_answer_len": 15},
    {"kind": "context", "max_answer_len": 15},
    {"kind": "max_len", "max_answer_len": 4},
    {"kind": "score", "max_answer_len": 6},
]


@probe("span", cases=SPAN_CASES)
def span(student, kind, max_answer_len):
    """best_span on crafted logits; returns the inputs (the judge recomputes the best span) and the result."""
    start, end, mask = _span_logits(kind)
    result = student.best_span(start.clone(), end.clone(), mask.clone(), max_answer_len=max_answer_len)
    return {"start_logits": start.numpy(), "end_logits": end.numpy(), "mask": mask.numpy(),
            "result": _span(result)}


@probe("span_easy")
def span_easy(student):
    """best_span on an easy case (the public check): tokens 9..22 are the context, and the
    context's highest start logit (token 13) comes before its highest end logit (token 16)."""
    torch = _torch()
    start = torch.linspace(-1.0, 1.0, 24)
    end = torch.linspace(1.0, -1.0, 24)
    start[13] += 6.0
    end[16] += 6.0
    mask = torch.zeros(24, dtype=torch.bool)
    mask[9:23] = True
    result = student.best_span(start.clone(), end.clone(), mask.clone())
    return {"start_logits": start.numpy(), "end_logits": end.numpy(), "mask": mask.numpy(),
            "result": _span(result)}


@probe("span_empty")
def span_empty(student):
    """best_span with a context mask that selects no token: what it raised, if anything."""
    start, end, mask = _span_logits("context")
    try:
        result = student.best_span(start, end, mask & False, max_answer_len=15)
    except Exception as exc:  # raising is the behaviour observed here
        return {"raised": type(exc).__name__}
    return {"raised": None, "result": _span(result)}


# ---------------------------------------------------------------- answer_question


@probe("answer", cases=[{"case": name} for name in ANSWER_CASES])
def answer(student, case):
    """answer_question with the lookup model (known best span) on a context with capitals and punctuation."""
    question, context, max_answer_len = ANSWER_CASES[case]
    model, tokenizer = _lookup_model(), _tokenizer()
    _watch()
    result = student.answer_question(model, tokenizer, question, context, max_answer_len=max_answer_len)
    return {"context": context, **_answer(result)}


@probe("offline", cases=[{"seed": 0}, {"seed": 1}])
def offline(student, seed):
    """answer_question with a real tiny BERT, offline, with the pipeline and hub watched."""
    model, tokenizer = _real_model(seed), _tokenizer()
    _watch()
    try:
        result = student.answer_question(model, tokenizer, SEINE_QUESTION, SEINE_CONTEXT)
    except Exception as exc:  # the error is evidence too, next to what was watched
        return {"raised": f"{type(exc).__name__}: {str(exc)[:200]}", **_watched()}
    return {"raised": None, "context": SEINE_CONTEXT, **_answer(result), **_watched()}


# ---------------------------------------------------------------- training


def _color_examples(rng, n):
    """SQuAD-style examples: 'what color is the boat ?' -> the 2-word colour of the only object."""
    examples = []
    for _ in range(n):
        obj = rng.choice(OBJECTS)
        answer_text = f"{rng.choice(ADJECTIVES)} {rng.choice(COLORS)}"
        before = " ".join(rng.choice(FILLERS) for _ in range(rng.randint(1, 6)))
        after = " ".join(rng.choice(FILLERS) for _ in range(rng.randint(1, 6)))
        lead = f"{before} the {obj} is "
        context = f"{lead}{answer_text} {after} ."
        examples.append({"question": f"what color is the {obj} ?", "context": context,
                         "answers": {"text": [answer_text], "answer_start": [len(lead)]}})
    return examples


FEATURE_CASES = {
    "paris": (PARIS_QUESTION, PARIS_CONTEXT, "Paris, the capital of France"),
    "gustave": (GUSTAVE_QUESTION, GUSTAVE_CONTEXT, "Gustave Eiffel's firm"),
    "one_word": ("what color is the boat ?", "the boat is red .", "red"),
}


@probe("features", cases=[{"case": name} for name in FEATURE_CASES])
def features(student, case):
    """prepare_train_features on one example; returns the answer's token positions and the token ids."""
    question, context, answer_text = FEATURE_CASES[case]
    answer_start = context.index(answer_text)
    tokenizer = _tokenizer()
    result = student.prepare_train_features(tokenizer, question, context, answer_text, answer_start)
    if not isinstance(result, Mapping):
        return {"kind": type(result).__name__}
    ids = result.get("input_ids")
    mask = result.get("attention_mask")
    ids = [int(x) for x in (ids.tolist() if hasattr(ids, "tolist") else ids)] if ids is not None else None
    if mask is not None:
        mask = [int(x) for x in (mask.tolist() if hasattr(mask, "tolist") else mask)]
    if ids and isinstance(ids[0], list):  # a batch of one
        ids = ids[0]
    if mask and isinstance(mask[0], list):
        mask = mask[0]
    return {"kind": "dict", "keys": sorted(str(k) for k in result), "input_ids": ids, "attention_mask": mask,
            "start_positions": _int(_first(result.get("start_positions"))),
            "end_positions": _int(_first(result.get("end_positions")))}


def _first(value):
    """A position given as a 1-element list or tensor, as the element."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    if hasattr(value, "numel") and getattr(value, "ndim", 0) == 1 and value.numel() == 1:
        return value[0]
    return value


@probe("learn", cases=[{"seed": 0}], timeout=30)
def learn(student, seed):
    """train_qa for 10 epochs (AdamW, lr 1e-2, batches of 16) on 64 colour questions, then held-out spans.

    The held-out predictions are computed here, not by the student's code: the
    argmax start among context tokens and the argmax end at or after it.
    """
    torch = _torch()
    rng = random.Random(100 + seed)
    train_examples, test_examples = _color_examples(rng, 64), _color_examples(rng, 32)
    tokenizer = _tokenizer()
    torch.manual_seed(seed)
    from transformers import BertForQuestionAnswering

    model = BertForQuestionAnswering(_config())
    before = [p.detach().clone() for p in model.parameters()]
    _watch()
    losses = student.train_qa(model, tokenizer, train_examples, epochs=10, lr=1e-2, batch_size=16)
    changed = max(float((p.detach() - b).abs().max()) for p, b in zip(model.parameters(), before, strict=True))

    model.eval()
    hits = []
    for ex in test_examples:
        enc = tokenizer(ex["question"], ex["context"], return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        in_context = torch.tensor([s == 1 for s in enc.sequence_ids(0)])
        with torch.no_grad():
            out = model(**enc)
        start_logits = out.start_logits[0].masked_fill(~in_context, float("-inf"))
        s = int(start_logits.argmax())
        end_logits = out.end_logits[0].masked_fill(~in_context, float("-inf"))
        end_logits[:s] = float("-inf")
        e = int(end_logits.argmax())
        first = ex["answers"]["answer_start"][0]
        gold = (first, first + len(ex["answers"]["text"][0]))
        hits.append(bool((offsets[s][0], offsets[e][1]) == gold))
    if isinstance(losses, (list, tuple)):
        losses = [_float(x) for x in losses]
    else:
        losses = repr(losses)[:80]
    return {"losses": losses, "parameter_change": changed, "hits": hits, **_watched()}


# ---------------------------------------------------------------- metrics

NORMALIZE_INPUTS = ["The Paris!", "  an  Apple a day ", "Eiffel Tower, (Paris).", "A", "Theory of the art?"]
PAIRS = [
    ("The Paris!", "paris"),
    ("Paris", "London"),
    ("the capital of France", "Paris, the capital"),
    ("in Paris, France", "Paris"),
    ("The", "Paris"),
    ("Theory", "the ory"),
    ("red red blue", "red blue blue"),
    ("  a Famous   City. ", "famous city"),
]


@probe("metrics")
def metrics(student):
    """normalize_answer, exact_match and f1_score on fixed strings."""
    return {
        "normalized": [student.normalize_answer(s) for s in NORMALIZE_INPUTS],
        "exact_match": [_float(student.exact_match(p, g)) for p, g in PAIRS],
        "f1": [_float(student.f1_score(p, g)) for p, g in PAIRS],
    }


def _example(question, context, golds):
    """A SQuAD-style example; every gold answer is a span of the context (case ignored)."""
    return {"question": question, "context": context,
            "answers": {"text": list(golds), "answer_start": [context.lower().index(g.lower()) for g in golds]}}


EVALUATE_EXAMPLES = [
    # The lookup model answers "Paris, the capital of France": only the second gold answer matches.
    _example(PARIS_QUESTION, PARIS_CONTEXT, ["Paris", "paris, the capital of france"]),
    # It answers "Paris, a famous city": F1 0.5 with the first gold answer, 0.8 with the second.
    _example(SEINE_QUESTION, SEINE_CONTEXT, ["Paris", "a famous city"]),
    # It answers "Paris": no word in common with the gold answer.
    _example("Who built the Eiffel Tower?", "A famous engineer built it in Paris.", ["famous engineer"]),
]


@probe("evaluate")
def evaluate(student):
    """evaluate over three examples with several gold answers each, using the lookup model."""
    model, tokenizer = _lookup_model(), _tokenizer()
    result = student.evaluate(model, tokenizer, EVALUATE_EXAMPLES)
    if not isinstance(result, Mapping):
        return {"kind": type(result).__name__}
    return {"kind": "dict", "keys": sorted(str(k) for k in result),
            "exact_match": _float(result.get("exact_match")), "f1": _float(result.get("f1"))}
