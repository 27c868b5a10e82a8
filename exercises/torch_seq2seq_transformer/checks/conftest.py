"""Shared helper of the hidden checks: token-level cross-entropy computed with numpy."""

import numpy as np
import pytest


def cross_entropy(logits, targets, ignore=None):
    """Mean of -log softmax(logits)[target] over (..., V) logits and (...) targets, skipping ``ignore``."""
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets).astype(np.int64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None], axis=-1)[..., 0]
    keep = np.ones(targets.shape, dtype=bool) if ignore is None else targets != ignore
    return float(-picked[keep].mean())


@pytest.fixture
def token_cross_entropy():
    """``token_cross_entropy(logits, targets, ignore=None)``: see :func:`cross_entropy`."""
    return cross_entropy
