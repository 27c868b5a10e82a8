# Correct: learned position embeddings initialised at zero (no sqrt scaling), separate pre-norm nn.TransformerEncoder and
# nn.TransformerDecoder stacks with final LayerNorms, bool masks, the loss on logits transposed to
# (B, V, T), model.zero_grad(), and a batched greedy loop that keeps EOS.
import torch
import torch.nn.functional as F
from torch import nn


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.src_tokens = nn.Embedding(src_vocab_size, d_model)
        self.tgt_tokens = nn.Embedding(tgt_vocab_size, d_model)
        self.src_positions = nn.Parameter(torch.zeros(max_len, d_model))
        self.tgt_positions = nn.Parameter(torch.zeros(max_len, d_model))
        enc_layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True,
                                               norm_first=True)
        dec_layer = nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True,
                                               norm_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, num_encoder_layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(dec_layer, num_decoder_layers, norm=nn.LayerNorm(d_model))
        self.head = nn.Linear(d_model, tgt_vocab_size)

    def encode(self, src):
        x = self.src_tokens(src) + self.src_positions[: src.size(1)]
        return self.encoder(x, src_key_padding_mask=src.eq(self.pad_idx))

    def decode(self, tgt_in, memory, src):
        y = self.tgt_tokens(tgt_in) + self.tgt_positions[: tgt_in.size(1)]
        y = self.decoder(y, memory, tgt_mask=causal_mask(tgt_in.size(1)),
                         tgt_key_padding_mask=tgt_in.eq(self.pad_idx),
                         memory_key_padding_mask=src.eq(self.pad_idx))
        return self.head(y)

    def forward(self, src, tgt_in):
        return self.decode(tgt_in, self.encode(src), src)


def causal_mask(size):
    return torch.ones(size, size).triu(1).bool()


def shift_right(tgt, bos_idx):
    out = tgt.new_full(tgt.shape, bos_idx)
    out[:, 1:] = tgt[:, :-1]
    return out


def seq2seq_loss(logits, tgt_out, pad_idx):
    return F.cross_entropy(logits.transpose(1, 2), tgt_out, ignore_index=pad_idx)


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    model.train()
    losses = []
    for _ in range(epochs):
        for src, tgt in loader:
            model.zero_grad()
            loss = seq2seq_loss(model(src, shift_right(tgt, bos_idx)), tgt, pad_idx)
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
    return losses


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    mode = model.training
    model.eval()
    with torch.no_grad():
        ys = torch.full((src.shape[0], 1), bos_idx, dtype=torch.long)
        while ys.shape[1] <= max_len:
            logits = model(src, ys)
            ys = torch.cat([ys, logits[:, -1, :].argmax(-1, keepdim=True)], dim=1)
            if (ys[:, 1:] == eos_idx).any(dim=1).all():
                break
    model.train(mode)
    rows = []
    for row in ys[:, 1:].tolist():
        if eos_idx in row:
            row = row[: row.index(eos_idx) + 1]
        rows.append(row)
    return rows
