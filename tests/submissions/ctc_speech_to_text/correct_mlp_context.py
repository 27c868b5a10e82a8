# Correct: a per-frame MLP over a window of 5 neighbouring frames (built with F.pad and unfold),
# features from torch.stft(normalized=True) with a small eps, a vectorised numpy decoder (keep
# ids that differ from the previous frame and are not blank), the step's loss divided by nothing
# else. Should score 100.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    x = waveform if waveform.ndim == 2 else waveform.unsqueeze(0)
    stft = torch.stft(x, n_fft, hop_length, window=torch.hann_window(n_fft), normalized=True,
                      return_complex=True)
    logmag = torch.log(torch.abs(stft) + 1e-9).mT
    flat = logmag.flatten(1)
    return (logmag - flat.mean(1).view(-1, 1, 1)) / flat.std(1).view(-1, 1, 1)


class TinyASR(nn.Module):
    CONTEXT = 2

    def __init__(self, feat_dim, vocab_size):
        super().__init__()
        width = 2 * self.CONTEXT + 1
        self.mlp = nn.Sequential(nn.Linear(width * feat_dim, 64), nn.ReLU(), nn.Linear(64, vocab_size))

    def forward(self, feats):
        padded = F.pad(feats, (0, 0, self.CONTEXT, self.CONTEXT))  # pad the time axis
        windows = padded.unfold(1, 2 * self.CONTEXT + 1, 1)  # (B, T, F, width)
        windows = windows.reshape(feats.shape[0], feats.shape[1], -1)
        return F.log_softmax(self.mlp(windows), dim=2)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    optimizer.zero_grad()
    log_probs = model(feats)
    loss = nn.functional.ctc_loss(log_probs.transpose(0, 1), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    ids = log_probs.detach().argmax(-1).numpy()
    previous = np.concatenate([np.full((ids.shape[0], 1), -1), ids[:, :-1]], axis=1)
    keep = (ids != previous) & (ids != blank)
    return ["".join(idx_to_char[i] for i in row[mask]) for row, mask in zip(ids, keep)]


def transcribe(model, waveform, idx_to_char, blank=0):
    feats = compute_features(waveform)
    mode = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(feats)
    finally:
        model.train(mode)
    return ctc_greedy_decode(out, idx_to_char, blank)
