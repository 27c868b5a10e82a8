# Correct, written differently: best_span as the transformers 4 pipeline did it, with numpy (an outer
# product of probabilities, np.triu / np.tril for the band of allowed lengths); features located with
# char_to_token and returned as the tokenizer's BatchEncoding; training on tokenizer(..., padding=True)
# batches with a DataLoader over indices, AdamW and labels passed to the model.
import string
from collections import Counter

import numpy as np
import torch
from torch.utils.data import DataLoader


def best_span(start_logits, end_logits, context_mask, max_answer_len=15):
    start = np.asarray(torch.as_tensor(start_logits, dtype=torch.float64).detach())
    end = np.asarray(torch.as_tensor(end_logits, dtype=torch.float64).detach())
    mask = np.asarray(torch.as_tensor(context_mask).detach()).astype(bool)
    if not mask.any():
        raise ValueError("empty context")
    start = np.where(mask, start, -1e4)
    end = np.where(mask, end, -1e4)
    ps = np.exp(start - start.max())
    ps /= ps.sum()
    pe = np.exp(end - end.max())
    pe /= pe.sum()
    outer = np.outer(ps, pe)
    candidates = np.tril(np.triu(outer), max_answer_len - 1)
    s, e = np.unravel_index(int(np.argmax(candidates)), candidates.shape)
    return int(s), int(e), float(candidates[s, e])


def answer_question(model, tokenizer, question, context, max_answer_len=15):
    inputs = tokenizer([question], [context], truncation="only_second", max_length=384,
                       return_offsets_mapping=True, padding=True, return_tensors="pt")
    offsets = inputs.pop("offset_mapping")
    with torch.inference_mode():
        outputs = model(**inputs)
    mask = torch.tensor([x == 1 for x in inputs.sequence_ids(0)])
    s, e, score = best_span(outputs["start_logits"][0], outputs["end_logits"][0], mask, max_answer_len)
    begin, finish = offsets[0, s, 0].item(), offsets[0, e, 1].item()
    return {"answer": context[begin:finish], "start": begin, "end": finish, "score": score}


def prepare_train_features(tokenizer, question, context, answer_text, answer_start):
    enc = tokenizer(question, context)
    start = enc.char_to_token(answer_start, sequence_index=1)
    end = enc.char_to_token(answer_start + len(answer_text) - 1, sequence_index=1)
    enc["start_positions"] = start  # the tokenizer's BatchEncoding itself, with the labels added
    enc["end_positions"] = end
    return enc


def train_qa(model, tokenizer, examples, epochs=2, lr=3e-5, batch_size=16):
    questions = [ex["question"] for ex in examples]
    contexts = [ex["context"] for ex in examples]
    enc = tokenizer(questions, contexts, padding=True, return_tensors="pt")
    starts, ends = [], []
    for i, ex in enumerate(examples):
        text, first = ex["answers"]["text"][0], ex["answers"]["answer_start"][0]
        starts.append(enc.char_to_token(i, first, sequence_index=1))
        ends.append(enc.char_to_token(i, first + len(text) - 1, sequence_index=1))
    starts, ends = torch.tensor(starts), torch.tensor(ends)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    loader = DataLoader(range(len(examples)), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        losses, sizes = [], []
        for idx in loader:
            out = model(input_ids=enc["input_ids"][idx], token_type_ids=enc["token_type_ids"][idx],
                        attention_mask=enc["attention_mask"][idx], start_positions=starts[idx],
                        end_positions=ends[idx])
            optimizer.zero_grad(set_to_none=True)
            out.loss.backward()
            optimizer.step()
            losses.append(out.loss.item())
            sizes.append(len(idx))
        epoch_losses.append(float(np.average(losses, weights=sizes)))
    return epoch_losses


_PUNCT = str.maketrans("", "", string.punctuation)
_ARTICLES = {"a", "an", "the"}


def normalize_answer(s):
    return " ".join(w for w in s.lower().translate(_PUNCT).split() if w not in _ARTICLES)


def exact_match(prediction, ground_truth):
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def f1_score(prediction, ground_truth):
    pred, gold = normalize_answer(prediction).split(), normalize_answer(ground_truth).split()
    if not pred or not gold:
        return float(pred == gold)
    same = Counter(pred) & Counter(gold)
    n = sum(same.values())
    if n == 0:
        return 0.0
    return 2 * n / (len(pred) + len(gold))


def evaluate(model, tokenizer, examples, max_answer_len=15):
    em = np.zeros(len(examples))
    f1 = np.zeros(len(examples))
    for k, ex in enumerate(examples):
        pred = answer_question(model, tokenizer, ex["question"], ex["context"], max_answer_len)["answer"]
        em[k] = max(exact_match(pred, g) for g in ex["answers"]["text"])
        f1[k] = max(f1_score(pred, g) for g in ex["answers"]["text"])
    return {"exact_match": float(em.mean()), "f1": float(f1.mean())}
