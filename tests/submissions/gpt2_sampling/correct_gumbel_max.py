# Correct, written differently: Gumbel-max sampling (argmax of logits + Gumbel noise drawn from the
# generator), top-k by sorting, top-p with a per-row loop, a decoding loop that reuses the key/value cache
# (past_key_values) with explicit position ids, and generate_text with model.generate(**encoding).
import torch


def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    return logits / float(temperature)


def top_k_filter(logits, k):
    if k <= 0:
        return logits
    values, _ = torch.sort(logits, dim=-1, descending=True)
    threshold = values[..., min(k, logits.shape[-1]) - 1].unsqueeze(-1)
    return torch.where(logits >= threshold, logits, torch.full_like(logits, float("-inf")))


def top_p_filter(logits, p):
    if p >= 1:
        return logits
    out = torch.full_like(logits, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    for r in range(logits.shape[0]):
        total = 0.0
        for idx in torch.argsort(probs[r], descending=True).tolist():
            out[r, idx] = logits[r, idx]
            total += probs[r, idx].item()
            if total >= p:
                break
    return out


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    if not do_sample:
        return torch.argmax(logits, dim=-1).unsqueeze(-1)
    scores = top_p_filter(top_k_filter(apply_temperature(logits, temperature), top_k), top_p)
    u = torch.rand(scores.shape, generator=generator).clamp_(1e-10, 1 - 1e-10)
    gumbel = -torch.log(-torch.log(u))
    return torch.argmax(scores + gumbel, dim=-1, keepdim=True)


def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    mask = torch.ones_like(input_ids) if attention_mask is None else attention_mask.clone()
    sequence = input_ids.clone()
    done = torch.zeros(input_ids.shape[0], dtype=torch.bool)
    past = None
    step_input = sequence
    with torch.no_grad():
        for _ in range(max_new_tokens):
            positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, -step_input.shape[1]:]
            out = model(input_ids=step_input, attention_mask=mask, position_ids=positions,
                        past_key_values=past, use_cache=True)
            past = out.past_key_values
            token = sample_next_token(out.logits[:, -1, :], temperature, top_k, top_p, do_sample, generator)
            if eos_token_id is not None:
                token[done] = eos_token_id
                done = done | (token[:, 0] == eos_token_id)
            sequence = torch.cat((sequence, token), dim=1)
            mask = torch.cat((mask, mask.new_ones(mask.shape[0], 1)), dim=1)
            step_input = token
            if eos_token_id is not None and done.all():
                break
    return sequence


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    encoding = tokenizer(prompt, return_tensors="pt")
    if tokenizer.unk_token_id in encoding["input_ids"][0].tolist():
        raise ValueError("prompt contains tokens unknown to this tokenizer")
    torch.manual_seed(seed)
    out = model.generate(**encoding, do_sample=True, temperature=temperature, top_k=0,
                         max_new_tokens=max_new_tokens, pad_token_id=tokenizer.eos_token_id)
    return tokenizer.decode(out[0], skip_special_tokens=True)
