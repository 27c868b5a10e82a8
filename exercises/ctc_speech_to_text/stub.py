"""ctc_speech_to_text: spectrogram features, a tiny CTC model and greedy decoding.

Fill in every function. Read README.md for the full contract. Use torch only:
no torchaudio, torchvision or made-up modules, no downloads, no GPU, nothing
trained or printed at import time.
"""

import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    """Log-magnitude spectrogram of a waveform, standardised per utterance.

    waveform: float tensor (T,) or (B, T). Returns (B, 1 + T // hop_length,
    n_fft // 2 + 1) features (B = 1 for a (T,) input): log(|X| + eps) of
    torch.stft with a Hann window of n_fft samples (centred frames, default
    reflect padding), frames first, each utterance then standardised with its
    own mean and standard deviation over all its frames and bins.
    """
    raise NotImplementedError


class TinyASR(nn.Module):
    """A small acoustic model: features (B, T, feat_dim) -> log-probabilities (B, T, vocab_size).

    One output frame per input frame, log_softmax over the vocabulary (index 0
    is the CTC blank). Any architecture (RNN, 1-D convolutions, MLP per frame
    with context, ...) is fine.
    """

    def __init__(self, feat_dim: int, vocab_size: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer) -> float:
    """One training step on nn.CTCLoss(blank=0) with its default mean reduction; returns the loss as a float.

    feats (B, T, F); targets (B, S) character ids, padded with 0 past
    target_lengths; feat_lengths and target_lengths (B,). Puts the model in
    training mode, resets the gradients, computes the loss of model(feats)
    (transposed to the (T, B, V) layout nn.CTCLoss wants), back-propagates and
    takes one optimizer step. No gradient clipping or other changes.
    """
    raise NotImplementedError


def ctc_greedy_decode(log_probs, idx_to_char, blank=0) -> list:
    """Best-path decoding of (B, T, V) log-probabilities into B strings.

    Per frame take the most probable id, merge consecutive repeats, drop the
    blank, and map the remaining ids to characters with idx_to_char (a str or a
    list of str indexed by id). Returns a list of B str.
    """
    raise NotImplementedError


def transcribe(model, waveform, idx_to_char, blank=0) -> list:
    """Waveform (T,) or (B, T) -> list of B transcripts.

    compute_features (default n_fft and hop_length), then the model in eval
    mode without autograd, then ctc_greedy_decode. Runs on the device of the
    model (the CPU here); never hard-codes CUDA.
    """
    raise NotImplementedError
