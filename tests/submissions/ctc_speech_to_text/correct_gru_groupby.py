# Correct: a bidirectional GRU, log power instead of log magnitude (the standardisation removes the
# factor 2), a population standard deviation, F.ctc_loss with concatenated 1-D targets, greedy
# decoding with itertools.groupby, and transcribe that follows the model's device. Should score 100.
import itertools

import torch
import torch.nn.functional as F
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    if waveform.dim() == 1:
        waveform = waveform[None]
    spec = torch.stft(waveform, n_fft, hop_length=hop_length, window=torch.hann_window(n_fft),
                      return_complex=True)
    power = spec.real ** 2 + spec.imag ** 2
    feats = power.clamp_min(1e-12).log().transpose(-1, -2)
    mean = feats.mean(dim=(-1, -2), keepdim=True)
    std = feats.std(dim=(-1, -2), keepdim=True, unbiased=False)
    return (feats - mean) / std


class TinyASR(nn.Module):
    def __init__(self, feat_dim, vocab_size):
        super().__init__()
        self.gru = nn.GRU(feat_dim, 48, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(96, vocab_size)

    def forward(self, feats):
        out, _ = self.gru(feats)
        return F.log_softmax(self.proj(out), dim=-1)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    optimizer.zero_grad()
    log_probs = model(feats).permute(1, 0, 2)
    flat_targets = torch.cat([targets[i, :n] for i, n in enumerate(target_lengths.tolist())])
    loss = F.ctc_loss(log_probs, flat_targets, feat_lengths, target_lengths, blank=0, reduction="mean")
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    best = log_probs.argmax(-1)
    texts = []
    for row in best:
        ids = [key for key, _ in itertools.groupby(row.tolist())]
        texts.append("".join(idx_to_char[i] for i in ids if i != blank))
    return texts


def transcribe(model, waveform, idx_to_char, blank=0):
    device = next(model.parameters()).device
    feats = compute_features(waveform.to(device))
    training = model.training
    model.eval()
    with torch.no_grad():
        log_probs = model(feats)
    model.train(training)
    return ctc_greedy_decode(log_probs.cpu(), idx_to_char, blank=blank)
