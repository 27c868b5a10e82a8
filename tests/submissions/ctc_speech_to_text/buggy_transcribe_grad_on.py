# Buggy: transcribe switches to eval mode but forgets torch.no_grad().
# Should fail test_transcribe_eval_mode_without_autograd ("autograd on"), naming no bug.
import torch
from torch import nn


def compute_features(waveform, n_fft=400, hop_length=160):
    """Standardised log-magnitude spectrogram: (T,) or (B, T) -> (B, 1 + T // hop_length, n_fft // 2 + 1)."""
    x = torch.as_tensor(waveform, dtype=torch.float32)
    if x.dim() == 1:
        x = x.unsqueeze(0)
    window = torch.hann_window(n_fft, dtype=x.dtype, device=x.device)
    spectrum = torch.stft(x, n_fft=n_fft, hop_length=hop_length, window=window, return_complex=True)
    log_magnitude = torch.log(spectrum.abs() + 1e-6).transpose(1, 2)  # (B, frames, bins)
    mean = log_magnitude.mean(dim=(1, 2), keepdim=True)
    std = log_magnitude.std(dim=(1, 2), keepdim=True)
    return (log_magnitude - mean) / (std + 1e-5)


class TinyASR(nn.Module):
    """A small 1-D convolutional acoustic model: (B, T, feat_dim) -> log-probabilities (B, T, vocab_size).

    Convolutions over time with "same" padding keep one output frame per input
    frame, as CTC needs; each output frame sees 5 input frames of context.
    """

    def __init__(self, feat_dim: int, vocab_size: int, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(feat_dim, hidden, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv1d(hidden, vocab_size, kernel_size=1),
        )

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        logits = self.net(feats.transpose(1, 2)).transpose(1, 2)  # Conv1d wants (B, channels, T)
        return logits.log_softmax(dim=-1)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer) -> float:
    """One optimizer step on nn.CTCLoss(blank=0) (mean reduction); returns the loss as a float."""
    model.train()
    optimizer.zero_grad()
    log_probs = model(feats)  # (B, T, V)
    loss = nn.CTCLoss(blank=0)(log_probs.transpose(0, 1), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0) -> list:
    """Best path per item: argmax per frame, merge repeats, drop blanks, map ids to characters."""
    texts = []
    for row in log_probs.argmax(dim=-1).tolist():
        chars, previous = [], None
        for index in row:
            if index != previous and index != blank:
                chars.append(idx_to_char[index])
            previous = index
        texts.append("".join(chars))
    return texts


def transcribe(model, waveform, idx_to_char, blank=0) -> list:
    """Waveform (T,) or (B, T) -> one string per utterance, with model in eval mode and no autograd."""
    feats = compute_features(waveform)
    was_training = model.training
    model.eval()
    try:
        log_probs = model(feats)
    finally:
        model.train(was_training)
    return ctc_greedy_decode(log_probs, idx_to_char, blank)
