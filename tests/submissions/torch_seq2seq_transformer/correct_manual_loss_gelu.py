# Correct: nn.Transformer with GELU activations and post-norm; sinusoidal positions computed in forward
# (no buffer) on sqrt(d_model)-scaled embeddings; no target key-padding mask (the causal mask already hides
# trailing PAD); a float causal mask built with masked_fill; shift_right with an explicit loop; the loss
# written out with log_softmax and gather; losses kept as floats in a loop over epochs.
import math

import torch
from torch import nn


def sinusoid(length, dim):
    pos = torch.arange(length, dtype=torch.float32)[:, None]
    i = torch.arange(dim, dtype=torch.float32)[None, :]
    angle = pos / torch.pow(10000.0, (2 * (i // 2)) / dim)
    return torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle))


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        self.d_model, self.pad_idx, self.max_len = d_model, pad_idx, max_len
        self.emb_src = nn.Embedding(src_vocab_size, d_model, padding_idx=pad_idx)
        self.emb_tgt = nn.Embedding(tgt_vocab_size, d_model, padding_idx=pad_idx)
        self.core = nn.Transformer(d_model=d_model, nhead=nhead, num_encoder_layers=num_encoder_layers,
                                   num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward,
                                   dropout=dropout, activation="gelu", batch_first=True)
        self.proj = nn.Linear(d_model, tgt_vocab_size)

    def forward(self, src, tgt_in):
        scale = math.sqrt(self.d_model)
        s = self.emb_src(src) * scale + sinusoid(src.size(1), self.d_model)
        t = self.emb_tgt(tgt_in) * scale + sinusoid(tgt_in.size(1), self.d_model)
        pad = src == self.pad_idx
        h = self.core(s, t, tgt_mask=causal_mask(tgt_in.size(1)), src_key_padding_mask=pad,
                      memory_key_padding_mask=pad)
        return self.proj(h)


def causal_mask(size):
    mask = torch.zeros(size, size)
    future = torch.ones(size, size, dtype=torch.bool).triu(diagonal=1)
    return mask.masked_fill(future, float("-inf"))


def shift_right(tgt, bos_idx):
    rows = []
    for row in tgt.tolist():
        rows.append([bos_idx] + row[:-1])
    return torch.tensor(rows, dtype=tgt.dtype)


def seq2seq_loss(logits, tgt_out, pad_idx):
    log_probs = torch.log_softmax(logits, dim=-1)
    picked = log_probs.gather(-1, tgt_out.unsqueeze(-1)).squeeze(-1)
    keep = (tgt_out != pad_idx).float()
    return -(picked * keep).sum() / keep.sum()


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    model.train()
    step_losses = []
    epoch = 0
    while epoch < epochs:
        for batch in loader:
            src, tgt = batch
            optimizer.zero_grad(set_to_none=True)
            out = model(src, shift_right(tgt, bos_idx))
            loss = seq2seq_loss(out, tgt, pad_idx)
            loss.backward()
            optimizer.step()
            step_losses.append(loss.detach().item())
        epoch += 1
    return step_losses


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    training = model.training
    model.eval()
    out = []
    with torch.no_grad():
        for row in src:
            prefix = [bos_idx]
            for _ in range(max_len):
                logits = model(row.unsqueeze(0), torch.tensor([prefix]))
                token = logits[0, -1].argmax().item()
                prefix.append(token)
                if token == eos_idx:
                    break
            out.append(prefix[1:])
    model.train(training)
    return out
