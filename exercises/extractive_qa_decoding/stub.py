"""extractive_qa_decoding: extractive question answering without transformers.pipeline.

Fill in every function. Read README.md for the full contract. Do not call
transformers.pipeline or download anything: the grader passes you a tiny model
and tokenizer and runs offline.
"""

import torch  # noqa: F401


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    """The most probable answer span (start, end, score) of context tokens.

    p_start / p_end: softmax of the logits over the context tokens only. Maximise
    p_start[start] * p_end[end] over start <= end (end inclusive), both context
    tokens, end - start + 1 <= max_answer_len; score is that product (a float).
    Raise ValueError if context_mask selects no token.
    """
    raise NotImplementedError


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    """{"answer": context[start:end], "start": start, "end": end, "score": score} for the best span."""
    raise NotImplementedError


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    """The encoding of (question, context) plus start_positions / end_positions of the answer's tokens."""
    raise NotImplementedError


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    """Fine-tune model in place on SQuAD-style examples; return the mean loss of each epoch."""
    raise NotImplementedError


def normalize_answer(s):
    """Lower case, no ASCII punctuation, no articles (a/an/the), single spaces."""
    raise NotImplementedError


def exact_match(prediction, ground_truth):
    """1.0 if the normalised strings are equal, else 0.0."""
    raise NotImplementedError


def f1_score(prediction, ground_truth):
    """SQuAD token F1 of the normalised strings."""
    raise NotImplementedError


def evaluate(model, tokenizer, examples, max_answer_len=15):
    """{"exact_match": ..., "f1": ...}: means over examples of the best score over the gold answers."""
    raise NotImplementedError
