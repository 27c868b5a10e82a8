"""Mutant ``no-positional-encoding`` of torch_seq2seq_transformer: the reference solution with one known bug put back.

Token embeddings go into the Transformer without positional encodings.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal position signal of "Attention Is All You Need" to (B, T, d_model) inputs."""

    def __init__(self, d_model, max_len=64):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        frequency = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(position * frequency)
        table[:, 1::2] = torch.cos(position * frequency)
        self.register_buffer("table", table)

    def forward(self, x):
        return x + self.table[: x.size(1)]


class Seq2SeqTransformer(nn.Module):
    """Encoder-decoder Transformer on batch-first token ids: (B, S), (B, T) -> (B, T, tgt_vocab_size)."""

    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        self.d_model = d_model
        self.pad_idx = pad_idx
        self.src_embedding = nn.Embedding(src_vocab_size, d_model, padding_idx=pad_idx)
        self.tgt_embedding = nn.Embedding(tgt_vocab_size, d_model, padding_idx=pad_idx)
        self.positions = PositionalEncoding(d_model, max_len)
        self.transformer = nn.Transformer(
            d_model=d_model,
            nhead=nhead,
            num_encoder_layers=num_encoder_layers,
            num_decoder_layers=num_decoder_layers,
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            batch_first=True,
        )
        self.generator = nn.Linear(d_model, tgt_vocab_size)

    def _embed(self, embedding, tokens):
        return embedding(tokens) * math.sqrt(self.d_model)

    def forward(self, src, tgt_in):
        src_padding = src == self.pad_idx
        tgt_padding = tgt_in == self.pad_idx
        hidden = self.transformer(
            self._embed(self.src_embedding, src),
            self._embed(self.tgt_embedding, tgt_in),
            tgt_mask=causal_mask(tgt_in.size(1)).to(src.device),
            src_key_padding_mask=src_padding,
            tgt_key_padding_mask=tgt_padding,
            memory_key_padding_mask=src_padding,
        )
        return self.generator(hidden)


def causal_mask(size):
    """(size, size) bool mask, True where position i may not attend to position j (j > i)."""
    return torch.triu(torch.ones(size, size, dtype=torch.bool), diagonal=1)


def shift_right(tgt, bos_idx):
    """Decoder input for teacher forcing: BOS, then tgt without its last token."""
    start = torch.full((tgt.size(0), 1), bos_idx, dtype=tgt.dtype, device=tgt.device)
    return torch.cat([start, tgt[:, :-1]], dim=1)


def seq2seq_loss(logits, tgt_out, pad_idx):
    """Mean cross-entropy over the non-PAD target tokens of (B, T, V) logits and (B, T) targets."""
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1), ignore_index=pad_idx)


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    """Teacher-forced training; returns the loss of every optimizer step, in order."""
    model.train()
    losses = []
    for _ in range(epochs):
        for src, tgt in loader:
            optimizer.zero_grad()
            logits = model(src, shift_right(tgt, bos_idx))
            loss = seq2seq_loss(logits, tgt, pad_idx)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    """Greedy translation of each row of src: its generated ids (no BOS), up to and including EOS."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            generated = torch.full((src.size(0), 1), bos_idx, dtype=torch.long, device=src.device)
            finished = torch.zeros(src.size(0), dtype=torch.bool, device=src.device)
            for _ in range(max_len):
                next_token = model(src, generated)[:, -1].argmax(dim=-1)
                generated = torch.cat([generated, next_token.unsqueeze(1)], dim=1)
                finished |= next_token == eos_idx
                if finished.all():
                    break
    finally:
        model.train(was_training)
    rows = []
    for row in generated[:, 1:].tolist():
        rows.append(row[: row.index(eos_idx) + 1] if eos_idx in row else row)
    return rows
