# Correct, written differently: best_span with plain Python loops over (start, end) pairs; the model is
# called with explicit keyword tensors; training with Adam, shuffled batches, the loss computed from the
# logits with cross-entropy, and model.zero_grad(); metrics with a regex for punctuation.
import math
import random
import re
from collections import Counter

import torch
import torch.nn.functional as F


def _log_softmax_masked(values, mask):
    kept = [v for v, m in zip(values, mask) if m]
    top = max(kept)
    log_z = top + math.log(sum(math.exp(v - top) for v in kept))
    return [v - log_z if m else None for v, m in zip(values, mask)]


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    starts = [float(x) for x in start_logits]
    ends = [float(x) for x in end_logits]
    mask = [bool(m) for m in context_mask]
    if not any(mask):
        raise ValueError("no context tokens")
    ls = _log_softmax_masked(starts, mask)
    le = _log_softmax_masked(ends, mask)
    best = None
    for i in range(len(mask)):
        if not mask[i]:
            continue
        for j in range(i, min(len(mask), i + max_answer_len)):
            if not mask[j]:
                continue
            total = ls[i] + le[j]
            if best is None or total > best[2]:
                best = (i, j, total)
    return best[0], best[1], math.exp(best[2])


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    enc = tokenizer(question, context, return_offsets_mapping=True, return_tensors="pt")
    model.eval()
    with torch.no_grad():
        out = model(input_ids=enc["input_ids"], token_type_ids=enc["token_type_ids"],
                    attention_mask=enc["attention_mask"])
    mask = [s == 1 for s in enc.sequence_ids(0)]
    i, j, score = best_span(out.start_logits[0], out.end_logits[0], mask, max_answer_len)
    a = int(enc["offset_mapping"][0][i][0])
    b = int(enc["offset_mapping"][0][j][1])
    return {"answer": context[a:b], "start": a, "end": b, "score": score}


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    enc = tokenizer(question, context, return_offsets_mapping=True)
    seq = enc.sequence_ids()
    lo, hi = answer_start, answer_start + len(answer_text)
    tokens = [k for k, (a, b) in enumerate(enc["offset_mapping"]) if seq[k] == 1 and a < hi and b > lo]
    return {
        "input_ids": enc["input_ids"],
        "token_type_ids": enc["token_type_ids"],
        "attention_mask": enc["attention_mask"],
        "start_positions": tokens[0],
        "end_positions": tokens[-1],
    }


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    feats = [prepare_train_features(tokenizer, e["question"], e["context"], e["answers"]["text"][0],
                                    e["answers"]["answer_start"][0]) for e in examples]
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    rng = random.Random(0)
    history = []
    for _ in range(epochs):
        model.train()
        order = list(range(len(feats)))
        rng.shuffle(order)
        total = 0.0
        for k in range(0, len(order), batch_size):
            chunk = [feats[i] for i in order[k:k + batch_size]]
            width = max(len(f["input_ids"]) for f in chunk)
            pad = lambda key, value: torch.tensor([f[key] + [value] * (width - len(f[key])) for f in chunk])  # noqa: E731
            out = model(input_ids=pad("input_ids", tokenizer.pad_token_id), token_type_ids=pad("token_type_ids", 0),
                        attention_mask=pad("attention_mask", 0))
            sp = torch.tensor([f["start_positions"] for f in chunk])
            ep = torch.tensor([f["end_positions"] for f in chunk])
            loss = (F.cross_entropy(out.start_logits, sp) + F.cross_entropy(out.end_logits, ep)) / 2
            model.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(chunk)
        history.append(total / len(feats))
    return history


def normalize_answer(s):
    s = re.sub(r"[^\w\s]", "", s.lower())
    words = [w for w in s.split() if w not in ("a", "an", "the")]
    return " ".join(words)


def exact_match(prediction, ground_truth):
    return 1.0 if normalize_answer(prediction) == normalize_answer(ground_truth) else 0.0


def f1_score(prediction, ground_truth):
    p, g = normalize_answer(prediction).split(), normalize_answer(ground_truth).split()
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def evaluate(model, tokenizer, examples, max_answer_len=15):
    ems, f1s = [], []
    for e in examples:
        pred = answer_question(model, tokenizer, e["question"], e["context"], max_answer_len)["answer"]
        ems.append(max(exact_match(pred, g) for g in e["answers"]["text"]))
        f1s.append(max(f1_score(pred, g) for g in e["answers"]["text"]))
    return {"exact_match": sum(ems) / len(ems), "f1": sum(f1s) / len(f1s)}
