# Correct, written differently: vectorised best_span with torch.triu on a score matrix and topk; features
# kept as tensors; training with a DataLoader, a DataCollatorWithPadding, Adam, the loss of
# cross-entropy on logits computed separately for start and end (summed then halved), gradients cleared
# with optimizer.zero_grad(); evaluation with numpy means.
import collections
import string

import numpy as np
import torch
from torch.nn import CrossEntropyLoss
from torch.utils.data import DataLoader
from transformers import DataCollatorWithPadding


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    start_logits = torch.as_tensor(start_logits, dtype=torch.float32)
    end_logits = torch.as_tensor(end_logits, dtype=torch.float32)
    mask = torch.as_tensor(context_mask).bool()
    if not mask.any():
        raise ValueError("context_mask has no True entry")
    p_start = torch.softmax(start_logits.masked_fill(~mask, -1e9), -1)
    p_end = torch.softmax(end_logits.masked_fill(~mask, -1e9), -1)
    joint = p_start[:, None] * p_end[None, :]
    band = torch.triu(torch.ones_like(joint, dtype=torch.bool)) & ~torch.triu(
        torch.ones_like(joint, dtype=torch.bool), diagonal=max_answer_len)
    joint = torch.where(band & mask[:, None] & mask[None, :], joint, torch.zeros_like(joint))
    value, index = joint.flatten().topk(1)
    start, end = divmod(index.item(), joint.shape[1])
    return start, end, value.item()


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    enc = tokenizer(text=question, text_pair=context, return_tensors="pt", return_offsets_mapping=True)
    offset_mapping = enc.pop("offset_mapping").squeeze(0)
    seq_ids = enc.sequence_ids()
    model.eval()
    with torch.no_grad():
        start_logits, end_logits = model(**enc, return_dict=False)[:2]
    cmask = torch.tensor([x == 1 for x in seq_ids])
    s, e, p = best_span(start_logits[0], end_logits[0], cmask, max_answer_len)
    c0, c1 = offset_mapping[s][0].item(), offset_mapping[e][1].item()
    return {"answer": context[c0:c1], "start": c0, "end": c1, "score": p}


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    enc = tokenizer(question, context, return_offsets_mapping=True)
    offsets = enc["offset_mapping"]
    seq = enc.sequence_ids()
    context_tokens = [i for i, s in enumerate(seq) if s == 1]
    stop = answer_start + len(answer_text)
    start_tok = min(i for i in context_tokens if offsets[i][1] > answer_start)
    end_tok = max(i for i in context_tokens if offsets[i][0] < stop)
    return {"input_ids": list(enc["input_ids"]), "token_type_ids": list(enc["token_type_ids"]),
            "attention_mask": list(enc["attention_mask"]), "start_positions": start_tok, "end_positions": end_tok}


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    data = [prepare_train_features(tokenizer, x["question"], x["context"], x["answers"]["text"][0],
                                   x["answers"]["answer_start"][0]) for x in examples]
    loader = DataLoader(data, batch_size=batch_size, shuffle=False, collate_fn=DataCollatorWithPadding(tokenizer))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = CrossEntropyLoss()
    history = []
    for _ in range(epochs):
        model.train()
        batch_losses = []
        for batch in loader:
            start_positions = batch.pop("start_positions")
            end_positions = batch.pop("end_positions")
            out = model(**batch)
            loss = 0.5 * (loss_fn(out.start_logits, start_positions) + loss_fn(out.end_logits, end_positions))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append((loss.item(), start_positions.shape[0]))
        history.append(sum(l * n for l, n in batch_losses) / sum(n for _, n in batch_losses))
    return history


def normalize_answer(s):
    table = {ord(ch): None for ch in string.punctuation}
    tokens = s.lower().translate(table).split()
    return " ".join(t for t in tokens if t not in {"a", "an", "the"})


def exact_match(prediction, ground_truth):
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def f1_score(prediction, ground_truth):
    pred = collections.Counter(normalize_answer(prediction).split())
    gold = collections.Counter(normalize_answer(ground_truth).split())
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def evaluate(model, tokenizer, examples, max_answer_len=15):
    scores = []
    for x in examples:
        answer = answer_question(model, tokenizer, x["question"], x["context"], max_answer_len)["answer"]
        scores.append((max(exact_match(answer, g) for g in x["answers"]["text"]),
                       max(f1_score(answer, g) for g in x["answers"]["text"])))
    em, f1 = np.mean(scores, axis=0)
    return {"exact_match": float(em), "f1": float(f1)}
