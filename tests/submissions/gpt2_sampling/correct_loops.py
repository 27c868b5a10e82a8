# Correct, written differently: filters with explicit per-row Python loops, sampling by normalising
# exp(scores) and torch.multinomial, generate that calls the model on the last token with the cache and
# keeps the EOS of a single sequence, generate_text with model.generate and an explicit max_length
# computed from the prompt length (prompt + max_new_tokens).
import math

import torch


def apply_temperature(logits, temperature):
    if temperature <= 0 or math.isnan(temperature):
        raise ValueError("temperature <= 0")
    return logits * (1.0 / temperature)


def top_k_filter(logits, k):
    out = logits.clone()
    if k <= 0:
        return out
    for row in out:
        if k < row.numel():
            kth = sorted(row.tolist(), reverse=True)[k - 1]
            row[row < kth] = float("-inf")
    return out


def top_p_filter(logits, p):
    out = logits.clone()
    if p >= 1.0:
        return out
    for row in out:
        probs = torch.softmax(row, dim=0).tolist()
        order = sorted(range(len(probs)), key=lambda i: -probs[i])
        mass, keep = 0.0, set()
        for i in order:
            keep.add(i)
            mass += probs[i]
            if mass >= p:
                break
        for i in range(len(probs)):
            if i not in keep:
                row[i] = float("-inf")
    return out


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    if not do_sample:
        return logits.max(dim=-1).indices.unsqueeze(1)
    scores = top_p_filter(top_k_filter(apply_temperature(logits, temperature), top_k), top_p)
    weights = torch.exp(scores - scores.max(dim=-1, keepdim=True).values)
    probs = weights / weights.sum(dim=-1, keepdim=True)
    return torch.multinomial(probs, 1, generator=generator)


def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    mask = attention_mask if attention_mask is not None else torch.ones_like(input_ids)
    result = input_ids
    past = None
    current = input_ids
    position = (mask.cumsum(-1) - 1).clamp(min=0)
    ended = [False] * input_ids.shape[0]
    model.eval()
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(current, attention_mask=mask, position_ids=position, past_key_values=past, use_cache=True)
            past = out.past_key_values
            nxt = sample_next_token(out.logits[:, -1, :], temperature, top_k, top_p, do_sample, generator)
            for b in range(nxt.shape[0]):
                if ended[b]:
                    nxt[b, 0] = eos_token_id
                elif eos_token_id is not None and int(nxt[b, 0]) == eos_token_id:
                    ended[b] = True
            result = torch.cat([result, nxt], dim=1)
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            position = position[:, -1:] + 1
            current = nxt
            if eos_token_id is not None and all(ended):
                break
    return result


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    batch = tokenizer([prompt], return_tensors="pt")
    ids = batch["input_ids"]
    if ids.numel() == 0 or bool((ids == tokenizer.unk_token_id).any()):
        raise ValueError("cannot encode the prompt with this tokenizer")
    torch.manual_seed(seed)
    output = model.generate(input_ids=ids, attention_mask=batch["attention_mask"], do_sample=True,
                            temperature=temperature, max_length=ids.shape[1] + max_new_tokens,
                            pad_token_id=tokenizer.pad_token_id)
    return tokenizer.batch_decode(output, skip_special_tokens=True)[0]
