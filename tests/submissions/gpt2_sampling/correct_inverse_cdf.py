# Correct, written differently: inverse-CDF sampling (uniform numbers from the generator, searchsorted on
# the cumulative probabilities), filters with scatter, generate recomputes the whole sequence each step and
# stops *before* EOS for a single sequence, and generate_text uses this own loop (with a private generator
# seeded by `seed`) instead of model.generate.
import torch


def apply_temperature(logits, temperature):
    if not (temperature > 0):
        raise ValueError(f"bad temperature {temperature}")
    return torch.div(logits, temperature)


def top_k_filter(logits, k):
    if k <= 0 or k >= logits.size(-1):
        return logits.clone()
    top = torch.topk(logits, k, dim=-1)
    out = torch.full_like(logits, -float("inf"))
    return out.scatter(-1, top.indices, top.values)


def top_p_filter(logits, p):
    if p >= 1.0:
        return logits.clone()
    probs = logits.softmax(-1)
    sorted_probs, idx = probs.sort(-1, descending=True)
    cum = sorted_probs.cumsum(-1)
    keep_sorted = torch.cat([torch.ones_like(cum[..., :1], dtype=torch.bool), cum[..., :-1] < p], dim=-1)
    keep = torch.zeros_like(keep_sorted).scatter(-1, idx, keep_sorted)
    return logits.masked_fill(~keep, -float("inf"))


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    if not do_sample:
        return logits.argmax(-1).view(-1, 1)
    probs = top_p_filter(top_k_filter(apply_temperature(logits, temperature), top_k), top_p).softmax(-1)
    cdf = probs.cumsum(-1)
    u = torch.rand(probs.shape[0], 1, generator=generator) * cdf[:, -1:]
    return torch.searchsorted(cdf, u, right=True).clamp(max=probs.shape[-1] - 1)


@torch.inference_mode()
def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    ids = input_ids
    mask = attention_mask if attention_mask is not None else torch.ones_like(input_ids)
    finished = torch.zeros(ids.size(0), dtype=torch.bool)
    for _ in range(max_new_tokens):
        pos = torch.clamp(torch.cumsum(mask, dim=1) - 1, min=0)
        logits = model(ids, attention_mask=mask, position_ids=pos).logits[:, -1]
        nxt = sample_next_token(logits, temperature, top_k, top_p, do_sample, generator)
        if eos_token_id is not None:
            nxt = torch.where(finished[:, None], torch.full_like(nxt, eos_token_id), nxt)
            finished = finished | nxt[:, 0].eq(eos_token_id)
            if finished.all() and ids.size(0) == 1:
                break  # a single sequence: stop before its EOS
        ids = torch.cat([ids, nxt], 1)
        mask = torch.cat([mask, torch.ones_like(nxt)], 1)
        if eos_token_id is not None and finished.all():
            break
    return ids


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    enc = tokenizer(prompt, return_tensors="pt")
    if (enc.input_ids == tokenizer.unk_token_id).any():
        raise ValueError("the tokenizer does not know some of this prompt")
    g = torch.Generator().manual_seed(seed)
    out = generate(model, enc.input_ids, max_new_tokens, attention_mask=enc.attention_mask,
                   temperature=temperature, eos_token_id=tokenizer.eos_token_id, generator=g)
    return tokenizer.decode(out[0], skip_special_tokens=True)
