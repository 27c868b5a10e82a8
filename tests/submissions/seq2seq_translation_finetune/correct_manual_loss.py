# Correct, written differently: padding to a fixed max_length, the loss computed from the logits with
# cross-entropy (ignore_index=-100) on decoder inputs built by mBART's shift_tokens_right, AdamW with
# weight decay, a list subclass as the dataset, and a GenerationConfig for translation.
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import GenerationConfig
from transformers.models.mbart.modeling_mbart import shift_tokens_right


class PairDataset(list):
    def __init__(self, pairs):
        checked = []
        for source, target in pairs:
            if not source or not source.strip() or not target or not target.strip():
                raise ValueError("a pair has an empty side")
            if " ".join(source.lower().split()) == " ".join(target.lower().split()):
                raise ValueError("identity pair: " + source)
            checked.append((source, target))
        super().__init__(checked)


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    src = tokenizer(list(src_texts), padding="max_length", truncation=True, max_length=max_length,
                    return_tensors="pt")
    tgt = tokenizer(text_target=list(tgt_texts), padding="max_length", truncation=True, max_length=max_length,
                    return_tensors="pt")
    labels = tgt["input_ids"].masked_fill(tgt["attention_mask"] == 0, -100)
    return {"input_ids": src["input_ids"], "attention_mask": src["attention_mask"], "labels": labels}


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    def collate(chunk):
        return make_batch(tokenizer, [a for a, _ in chunk], [b for _, b in chunk], max_length=max_length)

    return DataLoader(PairDataset(pairs), batch_size=batch_size, shuffle=shuffle, collate_fn=collate)


def train(model, loader, epochs=1, lr=5e-5):
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    pad = model.config.pad_token_id
    history = []
    for _ in range(epochs):
        model.train()
        total, n = 0.0, 0
        for batch in loader:
            decoder_input_ids = shift_tokens_right(batch["labels"], pad)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           decoder_input_ids=decoder_input_ids).logits
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch["labels"].reshape(-1),
                                   ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch["labels"])
            n += len(batch["labels"])
        history.append(total / n)
    return history


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    enc = tokenizer(list(texts), padding=True, return_tensors="pt")
    config = GenerationConfig(max_new_tokens=max_new_tokens, num_beams=1, do_sample=False,
                              decoder_start_token_id=model.config.decoder_start_token_id,
                              eos_token_id=model.config.eos_token_id, pad_token_id=model.config.pad_token_id,
                              forced_bos_token_id=forced_bos_token_id)
    model.eval()
    with torch.inference_mode():
        ids = model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                             generation_config=config)
    return tokenizer.batch_decode(ids, skip_special_tokens=True)
