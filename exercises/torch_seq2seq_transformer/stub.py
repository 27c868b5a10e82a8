"""torch_seq2seq_transformer: a batch-first encoder-decoder Transformer trained with teacher forcing.

Fill in every function and the model. Read README.md for the full contract.
Use torch only; the grader builds its own small token-id tensors and loaders.
"""

import torch
from torch import nn


class Seq2SeqTransformer(nn.Module):
    """Encoder-decoder Transformer on batch-first token ids.

    forward(src (B, S) LongTensor, tgt_in (B, T) LongTensor) -> logits (B, T, tgt_vocab_size).
    Source and target have their own vocabularies; positions are encoded; the
    decoder is causal; PAD (pad_idx) tokens of src and tgt_in are masked.
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=32, nhead=4, num_encoder_layers=2,
                 num_decoder_layers=2, dim_feedforward=64, dropout=0.0, pad_idx=0, max_len=64):
        super().__init__()
        raise NotImplementedError

    def forward(self, src, tgt_in):
        raise NotImplementedError


def causal_mask(size):
    """(size, size) mask for nn.Transformer's tgt_mask: position i may attend to positions j <= i only.

    Either a bool tensor (True where j > i) or a float tensor (-inf where j > i, 0 elsewhere).
    """
    raise NotImplementedError


def shift_right(tgt, bos_idx):
    """Decoder input for teacher forcing: bos_idx, then tgt without its last token. Same shape as tgt."""
    raise NotImplementedError


def seq2seq_loss(logits, tgt_out, pad_idx):
    """Mean cross-entropy of (B, T, V) logits against (B, T) targets over the non-PAD targets (scalar tensor)."""
    raise NotImplementedError


def train_model(model, loader, optimizer, epochs, bos_idx=1, pad_idx=0):
    """Train with teacher forcing for `epochs` passes over `loader`; return the loss of every step (floats)."""
    raise NotImplementedError


def greedy_decode(model, src, bos_idx, eos_idx, max_len):
    """Greedy translation: for each row of src, the list of generated token ids (BOS excluded)."""
    raise NotImplementedError
