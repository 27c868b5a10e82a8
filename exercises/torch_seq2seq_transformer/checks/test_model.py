"""Hidden checks of Seq2SeqTransformer: batch items, causality, positions, depth, padding.

Every model here is the student's class with d_model=32, nhead=4,
dim_feedforward=64, dropout=0.0, in eval mode. "Unchanged" means within
1e-4 of the logits' scale (float summation order differs between equivalent
computations; a real dependence moves logits by 1e-2 or more: measured on the
reference and the correct_* submissions), and within 1e-5 for token order
(see ORDER_TOLERANCE).
"""

import numpy as np
import pytest

from grader.checking import describe, fail

TOLERANCE = 1e-4
ORDER_TOLERANCE = 1e-5
"""An order-blind model gives the same logits up to float rounding (measured <= 4e-7 of their scale);
weak positional signals (learned positions initialised at 0.02, or at zero and nudged by the probe's
noise) move them by 1e-4 or more."""


def _tolerance(*arrays):
    scale = max((float(np.abs(a).max()) for a in arrays if isinstance(a, np.ndarray) and a.size), default=1.0)
    return TOLERANCE * max(1.0, scale)


def _logits(value, shape, what):
    if not isinstance(value, np.ndarray):
        fail(f"{what} should be logits of shape {shape}, but the model returned {describe(value)}.")
    if value.shape != shape:
        fail(f"{what} should have shape {shape}, but the model's logits have shape {tuple(value.shape)}.")
    if not np.isfinite(value).all():
        fail(f"{what} contain nan or inf values: is a row of an attention mask fully masked?")
    return value.astype(np.float64)


@pytest.mark.points(8)
@pytest.mark.bug("batch-first-mismatch")
def test_batch_items_are_independent(observe):
    """Changing one batch item's source and target leaves the logits of the other items unchanged."""
    got = observe("batch_mix")
    before = _logits(got["before"], (4, 4, 11), "The logits of a (4, 4) batch")
    after = _logits(got["after"], (4, 4, 11), "The logits of a (4, 4) batch")
    tolerance = _tolerance(before, after)
    change = np.abs(after - before)
    if change[:, 1].max() > tolerance and np.delete(change, 1, axis=1).max() <= tolerance:
        fail("Changing batch item 1 changed only index 1 of your output's second axis: the output is "
             "(T, B, V), not batch first. Return logits of shape (B, T, V).")
    moved = change.max(axis=(1, 2))
    others = [i for i in (0, 2, 3) if moved[i] > tolerance]
    if others:
        fail(f"Changing the source and target of batch item 1 changed the logits of item {others[0]} "
             f"(by up to {moved[others[0]]:.3g}): batch items are mixed, because the model reads the batch "
             f"axis as the time axis. nn.Transformer expects (T, B, E) unless built with batch_first=True.",
             bug="batch-first-mismatch")
    if moved[1] <= tolerance:
        fail("Changing the source and target of batch item 1 did not change that item's logits: the output "
             "should depend on the item's own tokens.")


@pytest.mark.points(10)
@pytest.mark.bug("no-causal-mask")
def test_decoder_is_causal(observe):
    """The logits at target position i do not depend on decoder-input tokens after i."""
    got = observe("causality")
    if got["shape"] != [2, 6, 11]:
        fail(f"For src (2, 5) and tgt_in (2, 6) the logits should have shape (2, 6, 11), but they have shape "
             f"{tuple(got['shape'])}.")
    if not got["finite"]:
        fail("The model's logits contain nan or inf values for an ordinary batch without padding.")
    change = np.array(got["change_by_token"], dtype=np.float64).T  # change[i, j]: position i, token j
    length = change.shape[0]
    tolerance = TOLERANCE * max(1.0, got["scale"])
    future = np.triu(np.ones((length, length), dtype=bool), k=1)
    leaks = change[future] > tolerance
    if leaks.all():
        fail("The logits at every target position changed when a later decoder-input token changed: the "
             "decoder sees the whole target sentence, so during training it copies the next token instead "
             "of predicting it. Pass a causal mask (tgt_mask=causal_mask(T)) to the decoder.",
             bug="no-causal-mask")
    if leaks.any():
        i, j = (int(k) for k in np.argwhere(future & (change > tolerance))[0])
        fail(f"The logits at target position {i} changed when the decoder-input token at the later "
             f"position {j} changed: the decoder's mask lets some positions see the future. Position i "
             f"may attend to positions 0..i only.")
    blind = [i for i in range(length) if change[i, i] <= tolerance]
    if blind:
        fail(f"The logits at target position {blind[0]} did not change when the decoder-input token at that "
             f"position changed: each position must see its own token (mask only positions j > i).")


@pytest.mark.points(10)
@pytest.mark.bug("no-positional-encoding")
def test_model_knows_token_order(observe):
    """Reordering the source, or two earlier target tokens, changes the logits (positions are encoded)."""
    got = observe("order")
    base = _logits(got["base"], (2, 6, 12), "The logits of a one-layer model")
    rotated = _logits(got["src_rotated"], (2, 6, 12), "The logits for a reordered source")
    swapped = _logits(got["tgt_swapped"], (2, 6, 12), "The logits for a reordered target")
    tolerance = ORDER_TOLERANCE * max(1.0, float(np.abs(base).max()))
    if np.abs(rotated - base).max() <= tolerance:
        fail("Rotating the tokens of each source sentence left every logit unchanged: the encoder cannot "
             "tell word order apart, because attention alone is order-blind. Add positional encodings "
             "(sinusoidal or learned) to the source embeddings.", bug="no-positional-encoding")
    if np.abs(swapped[:, 3:] - base[:, 3:]).max() <= tolerance:
        fail("Swapping two earlier decoder-input tokens left the logits at the later positions unchanged: "
             "the decoder cannot tell word order apart. Add positional encodings to the target embeddings "
             "too.", bug="no-positional-encoding")


@pytest.mark.points(5)
@pytest.mark.bug("num-layers-encoder-only")
def test_layer_counts_are_honoured(observe):
    """num_encoder_layers and num_decoder_layers each set the depth of their own stack."""
    counts = observe("layers")
    per_encoder_layer = counts["2,1"] - counts["1,1"]
    per_two_decoder_layers = counts["1,3"] - counts["1,1"]
    if per_two_decoder_layers == 0:
        fail("Models built with num_decoder_layers=1 and num_decoder_layers=3 have the same number of "
             "parameters: the decoder's depth ignores num_decoder_layers. nn.Transformer's third positional "
             "argument is num_encoder_layers and the decoder keeps its default of 6 layers; pass "
             "num_decoder_layers=... by keyword.", bug="num-layers-encoder-only")
    if per_encoder_layer <= 0:
        fail("Going from num_encoder_layers=1 to 2 did not add parameters: the encoder's depth should follow "
             "num_encoder_layers.")
    if per_two_decoder_layers < 0:
        fail("Going from num_decoder_layers=1 to 3 removed parameters: the decoder's depth should follow "
             "num_decoder_layers.")
    if per_two_decoder_layers / 2 <= per_encoder_layer:
        fail("One more decoder layer added no more parameters than one more encoder layer, although a decoder "
             "layer also has a cross-attention block: are num_encoder_layers and num_decoder_layers swapped?")


@pytest.mark.points(6)
@pytest.mark.bug("no-padding-mask")
def test_source_padding_is_masked(observe):
    """Padding a source sentence with PAD tokens leaves its logits unchanged (key-padding masks)."""
    for pad_idx in (0, 5):
        got = observe("padding", pad_idx=pad_idx)
        padded = _logits(got["padded"], (3, 5, 12), "The logits of a padded batch")
        for row, length in enumerate(got["lengths"]):
            alone = _logits(got["alone"][row], (5, 12), "The logits of one unpadded sentence")
            moved = float(np.abs(padded[row] - alone).max())
            if moved <= _tolerance(padded[row], alone):
                continue
            if row == 0:
                fail("A source sentence that needs no padding got different logits inside a batch than alone: "
                     "batch items should not influence each other.")
            if pad_idx == 0:
                fail(f"A source sentence of {length} tokens, padded with PAD to the batch's length, got logits "
                     f"that differ by up to {moved:.3g} from those of the same sentence alone: attention looks "
                     f"at the PAD positions. Pass src_key_padding_mask and memory_key_padding_mask "
                     f"(src == pad_idx) to the Transformer.", bug="no-padding-mask")
            fail(f"With pad_idx={pad_idx}, padding a source sentence changed its logits (by up to {moved:.3g}), "
                 f"although padding with the default pad_idx=0 did not: build the padding masks from the "
                 f"pad_idx the model was given, not from a fixed id.")
