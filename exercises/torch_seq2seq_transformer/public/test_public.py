"""Public check for torch_seq2seq_transformer: batch-first ids in, one logit per target word out.

The probe builds ``Seq2SeqTransformer(11, 17, d_model=32, nhead=4,
num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=64, dropout=0.0,
pad_idx=0)``, switches it to eval mode and calls ``model(src, tgt_in)`` with
``src`` of shape (2, 7) and ``tgt_in`` of shape (2, 5), then with (3, 4) and
(3, 6). Every id is below 11.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised

SRC_VOCAB, TGT_VOCAB = 11, 17
CASES = [(2, 7, 5), (3, 4, 6)]


@pytest.mark.points(10)
@pytest.mark.bug("vocab-size-global")
@pytest.mark.bug("batch-first-mismatch")
def test_forward_shape(observe):
    """Seq2SeqTransformer(11, 17) maps (B, S) source and (B, T) target ids to (B, T, 17) logits."""
    for batch, src_len, tgt_len in CASES:
        case = {"batch": batch, "src_len": src_len, "tgt_len": tgt_len}
        error = observe.error("forward", **case)
        if raised(error, "NameError", "'vocab_size'"):
            fail("Seq2SeqTransformer uses a global `vocab_size` that is never defined. Take the sizes from the "
                 "constructor's arguments: src_vocab_size for the source embedding, tgt_vocab_size for the "
                 "target embedding and the output layer.", bug="vocab-size-global")
        if raised(error, "RuntimeError", "the batch number of src and tgt must be equal"):
            fail(f"With a source of shape ({batch}, {src_len}) and a target of shape ({batch}, {tgt_len}), "
                 f"nn.Transformer complained that 'the batch number of src and tgt must be equal': it read "
                 f"the batch axis as the time axis. Build it with batch_first=True (or transpose to "
                 f"(T, B, E) and back).", bug="batch-first-mismatch")
        out = observe("forward", **case)
        want = (batch, tgt_len, TGT_VOCAB)
        if not isinstance(out, np.ndarray):
            fail(f"model(src, tgt_in) should return a tensor of logits, but it returned {describe(out)}.")
        if out.shape == (batch, tgt_len, SRC_VOCAB):
            fail(f"The logits have {SRC_VOCAB} entries per position, the size of the source vocabulary, "
                 f"instead of {TGT_VOCAB}, the size of the target vocabulary: source and target share one "
                 f"vocabulary. Give the target its own embedding and an output layer of tgt_vocab_size.",
                 bug="vocab-size-global")
        if out.shape != want:
            fail(f"For src of shape ({batch}, {src_len}) and tgt_in of shape ({batch}, {tgt_len}) the logits "
                 f"should have shape {want} (batch first, one logit per target word), but they have shape "
                 f"{tuple(out.shape)}.")
        if out.dtype.kind != "f" or not np.isfinite(out).all():
            fail(f"The logits should be finite floats, but they were {describe(out)}.")
