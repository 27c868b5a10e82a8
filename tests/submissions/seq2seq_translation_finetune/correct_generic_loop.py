# Correct, written differently: labels built with tokenizer(..., text_target=...) in one call and masked
# with torch.where on the labels' own attention mask; the dataset stores dicts; train returns the mean
# of per-sample losses and zeroes gradients with set_to_none; translate uses generate with
# model.generation_config updated on a copy.
import copy

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, pairs):
        self.items = []
        for src, tgt in pairs:
            a, b = src.strip(), tgt.strip()
            if not a or not b or a.lower() == b.lower():
                raise ValueError(f"not a translation pair: {(src, tgt)!r}")
            self.items.append({"src": src, "tgt": tgt})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        item = self.items[idx]
        return item["src"], item["tgt"]


def make_batch(tokenizer, src_texts, tgt_texts, max_length=32):
    enc = tokenizer(list(src_texts), padding="longest", truncation=True, max_length=max_length,
                    return_tensors="pt")
    tgt = tokenizer(text_target=list(tgt_texts), padding="longest", truncation=True, max_length=max_length,
                    return_tensors="pt", return_attention_mask=True)
    labels = torch.where(tgt["attention_mask"].bool(), tgt["input_ids"], torch.full_like(tgt["input_ids"], -100))
    return dict(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels)


def make_dataloader(tokenizer, pairs, batch_size, shuffle=False, max_length=32):
    ds = PairDataset(pairs)
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle,
                      collate_fn=lambda b: make_batch(tokenizer, *zip(*b), max_length=max_length))


def train(model, loader, epochs=1, lr=5e-5):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    out = []
    for epoch in range(epochs):
        model.train()
        seen = 0
        summed = 0.0
        for batch in loader:
            opt.zero_grad(set_to_none=True)
            result = model(**batch)
            result.loss.backward()
            opt.step()
            summed += result.loss.item() * batch["labels"].shape[0]
            seen += batch["labels"].shape[0]
        out.append(summed / seen)
    return out


def translate(model, tokenizer, texts, max_new_tokens=20, forced_bos_token_id=None):
    config = copy.deepcopy(model.generation_config)
    config.max_new_tokens = max_new_tokens
    config.num_beams = 1
    config.do_sample = False
    config.forced_bos_token_id = forced_bos_token_id
    inputs = tokenizer(texts, padding=True, return_tensors="pt")
    model.eval()
    with torch.no_grad():
        generated = model.generate(**inputs, generation_config=config)
    return [text for text in tokenizer.batch_decode(generated, skip_special_tokens=True)]
