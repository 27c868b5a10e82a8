# Correct: an LSTM, log10 features standardised with torch.std_mean, one nn.CTCLoss built at import
# (zero_infinity=True changes nothing for finite losses), decoding with torch.unique_consecutive,
# a device-agnostic transcribe. Should score 100.
import torch
from torch import nn

CTC = nn.CTCLoss(blank=0, zero_infinity=True)


def compute_features(waveform, n_fft=400, hop_length=160):
    batch = waveform.reshape(-1, waveform.shape[-1]).float()
    window = torch.hann_window(n_fft)
    magnitude = torch.stft(batch, n_fft=n_fft, hop_length=hop_length, window=window, center=True,
                           pad_mode="reflect", return_complex=True).abs()
    feats = torch.log10(magnitude + 1e-8).permute(0, 2, 1)
    std, mean = torch.std_mean(feats.reshape(feats.shape[0], -1), dim=1)
    return (feats - mean[:, None, None]) / std[:, None, None]


class TinyASR(nn.Module):
    def __init__(self, feat_dim: int, vocab_size: int):
        super().__init__()
        self.lstm = nn.LSTM(input_size=feat_dim, hidden_size=40, batch_first=True)
        self.classifier = nn.Linear(40, vocab_size)

    def forward(self, feats):
        hidden, _ = self.lstm(feats)
        return self.classifier(hidden).log_softmax(-1)


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = CTC(model(feats).transpose(0, 1), targets, feat_lengths, target_lengths)
    loss.backward()
    optimizer.step()
    return loss.detach().item()


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    results = []
    for frame_scores in log_probs:
        ids = torch.unique_consecutive(frame_scores.argmax(dim=-1))
        ids = ids[ids != blank]
        results.append("".join(idx_to_char[int(i)] for i in ids))
    return results


def transcribe(model, waveform, idx_to_char, blank=0):
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        texts = ctc_greedy_decode(model(compute_features(waveform)), idx_to_char, blank)
    if was_training:
        model.train()
    return texts
