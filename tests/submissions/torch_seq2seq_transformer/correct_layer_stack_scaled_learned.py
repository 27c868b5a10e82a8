# Correct: hand-stacked nn.TransformerEncoderLayer / nn.TransformerDecoderLayer modules in ModuleLists
# (pre-norm, run in a Python loop), learned positions added to sqrt(d_model)-scaled token embeddings,
# dropout on the embeddings, a separate memory mask argument, gradient clipping by norm, and a greedy
# decoder that returns EOS-terminated rows.
import math

import torch
import torch.nn.functional as F
from torch import nn


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.scale = math.sqrt(d_model)
        self.src_embed = nn.Embedding(src_vocab_size, d_model)
        self.tgt_embed = nn.Embedding(tgt_vocab_size, d_model)
        self.pos = nn.Parameter(torch.randn(max_len, d_model) * 0.02)
        self.drop = nn.Dropout(dropout)
        self.enc = nn.ModuleList(
            nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True, norm_first=True)
            for _ in range(num_encoder_layers))
        self.dec = nn.ModuleList(
            nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True, norm_first=True)
            for _ in range(num_decoder_layers))
        self.enc_norm = nn.LayerNorm(d_model)
        self.dec_norm = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, tgt_vocab_size)

    def forward(self, src, tgt_in):
        src_pad = src == self.pad_idx
        x = self.drop(self.src_embed(src) * self.scale + self.pos[: src.size(1)])
        for layer in self.enc:
            x = layer(x, src_key_padding_mask=src_pad)
        memory = self.enc_norm(x)
        y = self.drop(self.tgt_embed(tgt_in) * self.scale + self.pos[: tgt_in.size(1)])
        mask = causal_mask(tgt_in.size(1))
        for layer in self.dec:
            y = layer(y, memory, tgt_mask=mask, memory_key_padding_mask=src_pad)
        return self.out(self.dec_norm(y))


def causal_mask(size):
    return torch.triu(torch.full((size, size), float("-inf")), diagonal=1)


def shift_right(tgt, bos_idx):
    return F.pad(tgt[:, :-1], (1, 0), value=bos_idx)


def seq2seq_loss(logits, tgt_out, pad_idx):
    vocab = logits.size(-1)
    return F.cross_entropy(logits.view(-1, vocab), tgt_out.contiguous().view(-1), ignore_index=pad_idx,
                           reduction="mean")


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    model.train()
    losses = []
    for _epoch in range(epochs):
        for src, tgt in loader:
            decoder_input = shift_right(tgt, bos_idx)
            loss = seq2seq_loss(model(src, decoder_input), tgt, pad_idx)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
            optimizer.step()
            losses.append(loss.item())
    return losses


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    model_was_training = model.training
    model.eval()
    with torch.inference_mode():
        generated = torch.full((len(src), 1), bos_idx)
        for _ in range(max_len):
            step = model(src, generated)[:, -1].argmax(-1)
            generated = torch.cat([generated, step[:, None]], 1)
    model.train(model_was_training)
    result = []
    for row in generated[:, 1:].tolist():
        result.append(row[: row.index(eos_idx) + 1] if eos_idx in row else row)
    return result
