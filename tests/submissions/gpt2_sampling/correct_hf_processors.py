# Correct, written differently: the filters are transformers' own logits warpers (TemperatureLogitsWarper,
# TopKLogitsWarper, TopPLogitsWarper), sampling uses torch.multinomial, generate builds the position ids
# from the mask with masked_fill, and generate_text seeds with transformers.set_seed and uses a
# GenerationConfig.
import torch
from transformers import GenerationConfig, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper, set_seed


def apply_temperature(logits, temperature):
    if temperature is None or temperature <= 0:
        raise ValueError("temperature must be strictly positive")
    return TemperatureLogitsWarper(temperature)(None, logits.clone())


def top_k_filter(logits, k):
    if k <= 0:
        return logits.clone()
    return TopKLogitsWarper(top_k=k)(None, logits.clone())


def top_p_filter(logits, p):
    if p >= 1.0:
        return logits.clone()
    return TopPLogitsWarper(top_p=p)(None, logits.clone())


def sample_next_token(logits, temperature=1.0, top_k=0, top_p=1.0, do_sample=True, generator=None):
    if do_sample is False:
        return logits.argmax(dim=-1, keepdim=True)
    scores = top_p_filter(top_k_filter(apply_temperature(logits, temperature), top_k), top_p)
    return torch.multinomial(scores.softmax(dim=-1), 1, generator=generator)


def generate(model, input_ids, max_new_tokens, attention_mask=None, temperature=1.0, do_sample=True, top_k=0,
             top_p=1.0, eos_token_id=None, generator=None):
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    tokens, mask = input_ids, attention_mask
    stopped = torch.zeros(len(tokens), dtype=torch.bool)
    for _ in range(max_new_tokens):
        position_ids = (mask.long().cumsum(-1) - 1).masked_fill(mask == 0, 0)
        with torch.no_grad():
            logits = model(input_ids=tokens, attention_mask=mask, position_ids=position_ids).logits
        new = sample_next_token(logits[:, -1, :], temperature=temperature, top_k=top_k, top_p=top_p,
                                do_sample=do_sample, generator=generator)
        if eos_token_id is not None:
            new[stopped] = eos_token_id
            stopped |= new.squeeze(-1) == eos_token_id
        tokens = torch.cat([tokens, new], dim=-1)
        mask = torch.cat([mask, torch.ones_like(new)], dim=-1)
        if eos_token_id is not None and stopped.all():
            break
    return tokens


def generate_text(model, tokenizer, prompt, max_new_tokens=40, temperature=0.95, seed=0):
    inputs = tokenizer(prompt, return_tensors="pt")
    unknown = tokenizer.unk_token_id
    if unknown is not None and unknown in inputs["input_ids"]:
        raise ValueError(f"{prompt!r} has tokens the tokenizer does not know")
    config = GenerationConfig(do_sample=True, temperature=temperature, max_new_tokens=max_new_tokens,
                              pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    set_seed(seed)
    output = model.generate(inputs["input_ids"], attention_mask=inputs["attention_mask"],
                            generation_config=config)
    return tokenizer.decode(output[0].tolist(), skip_special_tokens=True)
