# ruff: noqa
# Seed 003-A5 ("使用语音识别模型进行语音转文字"), shaped to the exercise API with its bugs kept: a
# module that does not exist (asr_model), transforms used but never imported, a FourierTransform
# that no library has, an image Normalize(mean=0, std=1) that is the identity and is never applied
# to the audio, a hard-coded .cuda(), and ''.join over a numpy array of ids.
import torch
from torch.utils.data import DataLoader
from asr_model import ASRModel

# 数据预处理
transform = transforms.Compose([
    transforms.FourierTransform(),
    transforms.Normalize(mean=0.0, std=1.0),
])


def compute_features(waveform, n_fft=400, hop_length=160):
    return transform(waveform)


class TinyASR(ASRModel):
    pass


def ctc_train_step(model, feats, targets, feat_lengths, target_lengths, optimizer):
    raise NotImplementedError  # the snippet only loads 'asr_model.pth'; it never trains


def ctc_greedy_decode(log_probs, idx_to_char, blank=0):
    # 后处理
    predicted_texts = log_probs.cpu().numpy()
    predicted_texts = ''.join(predicted_texts)
    return predicted_texts


def transcribe(model, waveform, idx_to_char, blank=0):
    # 加载语音识别模型
    model.load_state_dict(torch.load('asr_model.pth'))
    model.eval()

    # 语音转文字
    with torch.no_grad():
        audio = waveform.cuda()
        predicted_texts = model.transcribe(audio)

    # 后处理
    predicted_texts = predicted_texts.cpu().numpy()
    predicted_texts = ''.join(predicted_texts)
    print(predicted_texts)
    return predicted_texts
