# ruff: noqa
"""Mutant unpinned-default-model: answer_question loads the pipeline's default hub checkpoint instead of the model it is given."""

import collections
import re
import string

import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    """The most probable span (start, end, score) of context tokens; end is inclusive."""
    start_logits = torch.as_tensor(start_logits).detach().reshape(-1).double()
    end_logits = torch.as_tensor(end_logits).detach().reshape(-1).double()
    mask = torch.as_tensor(context_mask).reshape(-1).bool()
    if not bool(mask.any()):
        raise ValueError("context_mask selects no token: there is no context to answer from")
    log_p_start = torch.log_softmax(start_logits.masked_fill(~mask, float("-inf")), dim=0)
    log_p_end = torch.log_softmax(end_logits.masked_fill(~mask, float("-inf")), dim=0)
    n = mask.numel()
    i = torch.arange(n).unsqueeze(1)
    j = torch.arange(n).unsqueeze(0)
    valid = (j >= i) & (j - i < max_answer_len) & mask.unsqueeze(1) & mask.unsqueeze(0)
    scores = (log_p_start.unsqueeze(1) + log_p_end.unsqueeze(0)).masked_fill(~valid, float("-inf"))
    flat = int(scores.reshape(-1).argmax())
    start, end = divmod(flat, n)
    return start, end, float(scores[start, end].exp())


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    """Answer ``question`` with a span of ``context``: answer text, character start/end, score."""
    model = AutoModelForQuestionAnswering.from_pretrained("distilbert/distilbert-base-cased-distilled-squad")
    tokenizer = AutoTokenizer.from_pretrained("distilbert/distilbert-base-cased-distilled-squad")
    encoding = tokenizer(question, context, truncation="only_second", return_offsets_mapping=True,
                         return_tensors="pt")
    offsets = encoding.pop("offset_mapping")[0].tolist()
    context_mask = torch.tensor([sequence == 1 for sequence in encoding.sequence_ids(0)])
    with torch.no_grad():
        outputs = model(**encoding)
    start, end, score = best_span(outputs.start_logits[0], outputs.end_logits[0], context_mask, max_answer_len)
    first_char, last_char = offsets[start][0], offsets[end][1]
    return {"answer": context[first_char:last_char], "start": first_char, "end": last_char, "score": score}


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    """Tokenise one example; add the token positions of the answer's first and last context tokens."""
    encoding = tokenizer(question, context, truncation="only_second", return_offsets_mapping=True)
    offsets = encoding.pop("offset_mapping")
    sequence_ids = encoding.sequence_ids()
    answer_end = answer_start + len(answer_text)
    start_position = end_position = None
    for index, (first, last) in enumerate(offsets):
        if sequence_ids[index] != 1 or first == last:
            continue
        if start_position is None and last > answer_start:
            start_position = index
        if first < answer_end:
            end_position = index
    if start_position is None or end_position is None or end_position < start_position:
        raise ValueError("the answer is not inside the (tokenised) context")
    features = {key: list(value) for key, value in encoding.items()}
    features["start_positions"] = start_position
    features["end_positions"] = end_position
    return features


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    """Fine-tune ``model`` in place on SQuAD-style examples; the mean loss of each epoch."""
    features = [
        prepare_train_features(tokenizer, ex["question"], ex["context"], ex["answers"]["text"][0],
                               ex["answers"]["answer_start"][0])
        for ex in examples
    ]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        total, count = 0.0, 0
        for first in range(0, len(features), batch_size):
            chunk = features[first:first + batch_size]
            inputs = tokenizer.pad(
                [{k: f[k] for k in ("input_ids", "token_type_ids", "attention_mask")} for f in chunk],
                return_tensors="pt",
            )
            outputs = model(
                **inputs,
                start_positions=torch.tensor([f["start_positions"] for f in chunk]),
                end_positions=torch.tensor([f["end_positions"] for f in chunk]),
            )
            optimizer.zero_grad()
            outputs.loss.backward()
            optimizer.step()
            total += outputs.loss.item() * len(chunk)
            count += len(chunk)
        losses.append(total / count)
    model.eval()
    return losses


def normalize_answer(s):
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def exact_match(prediction, ground_truth):
    """1.0 if the normalised strings are equal, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def f1_score(prediction, ground_truth):
    """Token-level F1 of the normalised strings."""
    predicted = normalize_answer(prediction).split()
    gold = normalize_answer(ground_truth).split()
    if not predicted or not gold:
        return float(predicted == gold)
    common = sum((collections.Counter(predicted) & collections.Counter(gold)).values())
    if common == 0:
        return 0.0
    precision = common / len(predicted)
    recall = common / len(gold)
    return 2 * precision * recall / (precision + recall)


def evaluate(model, tokenizer, examples, max_answer_len=15):
    """Mean exact match and F1 over ``examples`` (each the best over its gold answers), as fractions."""
    em_total = f1_total = 0.0
    for ex in examples:
        prediction = answer_question(model, tokenizer, ex["question"], ex["context"], max_answer_len)["answer"]
        golds = ex["answers"]["text"]
        em_total += max(exact_match(prediction, gold) for gold in golds)
        f1_total += max(f1_score(prediction, gold) for gold in golds)
    return {"exact_match": em_total / len(examples), "f1": f1_total / len(examples)}
