# Correct, written differently: best_span ranks candidate (start, end) pairs by summed log-probability and
# keeps the first valid one (the post-processing of the run_qa example script, with every context token
# as a candidate); answer_question truncates to 128 tokens and pads to max length; training pads each
# mini-batch with tokenizer.pad and uses a manual SGD-free AdamW loop with model.zero_grad().
import re
from collections import Counter

import torch


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    mask = torch.as_tensor(context_mask, dtype=torch.bool)
    if mask.sum() == 0:
        raise ValueError("context_mask is empty")
    s_log = torch.log_softmax(torch.as_tensor(start_logits, dtype=torch.float64)[mask], dim=0)
    e_log = torch.log_softmax(torch.as_tensor(end_logits, dtype=torch.float64)[mask], dim=0)
    positions = torch.nonzero(mask).flatten().tolist()
    candidates = []
    for a, i in enumerate(positions):
        for b, j in enumerate(positions):
            candidates.append((float(s_log[a] + e_log[b]), i, j))
    candidates.sort(reverse=True)
    for total, i, j in candidates:
        if i <= j and j - i + 1 <= max_answer_len:
            return i, j, float(torch.tensor(total).exp())
    raise ValueError("no valid span")


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    batch = tokenizer(question, context, truncation="only_second", max_length=384, padding="max_length",
                      return_offsets_mapping=True, return_tensors="pt")
    offsets = batch.pop("offset_mapping")[0]
    in_context = torch.tensor([sid == 1 for sid in batch.sequence_ids()])
    was_training = model.training
    model.eval()
    with torch.no_grad():
        result = model(**batch)
    model.train(was_training)
    start, end, score = best_span(result.start_logits.squeeze(0), result.end_logits.squeeze(0), in_context,
                                  max_answer_len=max_answer_len)
    lo, hi = int(offsets[start, 0]), int(offsets[end, 1])
    return dict(answer=context[lo:hi], start=lo, end=hi, score=score)


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    encoding = tokenizer(question, context, return_offsets_mapping=True)
    answer_end = answer_start + len(answer_text)
    sequence_ids = encoding.sequence_ids()
    first = next(i for i, (a, b) in enumerate(encoding["offset_mapping"])
                 if sequence_ids[i] == 1 and a <= answer_start < b)
    last = next(i for i in reversed(range(len(sequence_ids)))
                if sequence_ids[i] == 1 and encoding["offset_mapping"][i][0] < answer_end <= encoding["offset_mapping"][i][1])
    del encoding["offset_mapping"]
    return {**encoding, "start_positions": first, "end_positions": last}


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    rows = []
    for ex in examples:
        f = prepare_train_features(tokenizer, ex["question"], ex["context"], ex["answers"]["text"][0],
                                   ex["answers"]["answer_start"][0])
        rows.append(f)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    per_epoch = []
    for epoch in range(epochs):
        model.train()
        seen, summed = 0, 0.0
        for begin in range(0, len(rows), batch_size):
            part = rows[begin:begin + batch_size]
            batch = tokenizer.pad([{k: r[k] for k in ("input_ids", "token_type_ids", "attention_mask")} for r in part],
                                  padding="longest", return_tensors="pt")
            batch["start_positions"] = torch.tensor([r["start_positions"] for r in part])
            batch["end_positions"] = torch.tensor([r["end_positions"] for r in part])
            model.zero_grad()
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            seen += len(part)
            summed += loss.item() * len(part)
        per_epoch.append(summed / seen)
    return per_epoch


def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        return "".join(ch for ch in text if ch not in set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def exact_match(prediction, ground_truth):
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0.0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def evaluate(model, tokenizer, examples, max_answer_len=15):
    exact = f1 = 0.0
    for ex in examples:
        prediction = answer_question(model, tokenizer, ex["question"], ex["context"], max_answer_len)["answer"]
        exact += max(exact_match(prediction, gold) for gold in ex["answers"]["text"])
        f1 += max(f1_score(prediction, gold) for gold in ex["answers"]["text"])
    return {"exact_match": exact / len(examples), "f1": f1 / len(examples)}
