# Buggy: generate takes the logits of the first position instead of the last, so every step predicts
# what follows the first token. Should fail the greedy comparison with transformers' generate.
import torch


def apply_temperature(logits, temperature):
    """logits / temperature; ValueError unless temperature > 0."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return logits / temperature


def top_k_filter(logits, k):
    """Keep the k largest logits of each row; the others become -inf. k <= 0 keeps everything."""
    if k <= 0 or k >= logits.shape[-1]:
        return logits.clone()
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, float("-inf"))


def top_p_filter(logits, p):
    """Keep the smallest set of most probable tokens whose probability reaches p; the others become -inf."""
    if p >= 1.0:
        return logits.clone()
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = torch.softmax(sorted_logits, dim=-1)
    mass_before = probs.cumsum(dim=-1) - probs
    remove = mass_before >= p
    remove[..., 0] = False  # the most probable token always stays
    sorted_logits = sorted_logits.masked_fill(remove, float("-inf"))
    return torch.empty_like(logits).scatter(-1, order, sorted_logits)


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    """One next token per row of (B, V) logits, as a LongTensor of shape (B, 1)."""
    if not do_sample:
        return logits.argmax(dim=-1, keepdim=True)
    scores = top_p_filter(top_k_filter(apply_temperature(logits, temperature), top_k), top_p)
    probs = torch.softmax(scores, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)


@torch.no_grad()
def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    """Continue every row of input_ids by up to max_new_tokens tokens; returns (B, T + n)."""
    ids = input_ids
    mask = torch.ones_like(ids) if attention_mask is None else attention_mask
    finished = torch.zeros(ids.shape[0], dtype=torch.bool)
    for _ in range(max_new_tokens):
        position_ids = (mask.cumsum(dim=-1) - 1).clamp(min=0)
        logits = model(input_ids=ids, attention_mask=mask, position_ids=position_ids).logits[:, 0, :]
        next_token = sample_next_token(logits, temperature, top_k, top_p, do_sample, generator)
        if eos_token_id is not None:
            next_token = next_token.masked_fill(finished.unsqueeze(1), eos_token_id)
            finished |= next_token.squeeze(1) == eos_token_id
        ids = torch.cat([ids, next_token], dim=1)
        mask = torch.cat([mask, torch.ones_like(next_token)], dim=1)
        if eos_token_id is not None and bool(finished.all()):
            break
    return ids


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    """The prompt and a sampled continuation of max_new_tokens tokens, decoded without special tokens."""
    encoding = tokenizer(prompt, return_tensors="pt")
    unk = tokenizer.unk_token_id
    if encoding["input_ids"].numel() == 0 or (unk is not None and bool((encoding["input_ids"] == unk).any())):
        raise ValueError("the tokenizer cannot represent this prompt (unknown tokens): use a model and "
                         "tokenizer trained for the prompt's language")
    torch.manual_seed(seed)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    output = model.generate(
        input_ids=encoding["input_ids"],
        attention_mask=encoding["attention_mask"],
        do_sample=True,
        temperature=temperature,
        max_new_tokens=max_new_tokens,
        pad_token_id=pad,
    )
    return tokenizer.decode(output[0], skip_special_tokens=True)
