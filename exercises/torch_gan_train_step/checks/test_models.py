"""Hidden checks: the models for other image shapes, and train_step on the student's own 28x28 models.

The judgement of one 'models' observation is shared with the public check
(public/test_public.py, loaded by path so that it stays self-contained for
students).
"""

import importlib.util
import math
from pathlib import Path

import pytest

from grader.checking import describe, fail

_PUBLIC = Path(__file__).resolve().parent.parent / "public" / "test_public.py"
_spec = importlib.util.spec_from_file_location("torch_gan_train_step_public_helpers", _PUBLIC)
public = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(public)

OTHER_SHAPES = ([3, 8, 8], [1, 6, 4])
SNIPPET_GLOBALS = ("z_dim", "img_shape", "num_epochs", "train_loader", "device", "generator", "discriminator",
                   "adversarial_loss", "g_optimizer", "d_optimizer")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.points(5)
@pytest.mark.bug("img-shape-int-vs-tuple")
@pytest.mark.bug("unflattened-images")
def test_other_image_shapes(observe):
    """build_generator and build_discriminator work for other img_shape tuples, e.g. 3-channel images."""
    for shape in OTHER_SHAPES:
        public._recognise_shape_bugs(observe.error("models", img_shape=shape), tuple(shape), (public.BATCH,))
        public.expect_models(observe("models", img_shape=shape), tuple(shape), "5")


def undefined_global(error):
    """The snippet's global name that the student's code used without defining it, or None."""
    if error is None or error.type != "NameError":
        return None
    return next((name for name in SNIPPET_GLOBALS if f"'{name}'" in error.message), None)


@pytest.mark.points(10)
@pytest.mark.bug("unflattened-images")
@pytest.mark.bug("img-shape-int-vs-tuple")
@pytest.mark.bug("undefined-globals")
def test_train_step_runs_on_own_models(observe):
    """train_step trains your own 28x28 models with Adam: finite float losses, both models change."""
    error = observe.error("own_models")
    name = undefined_global(error)
    if name is not None:
        fail(f"Your code uses the name {name!r}, which it never defines (NameError): the snippet relies on "
             f"globals defined somewhere else. Use only the function's arguments (e.g. the device of `real`).",
             bug="undefined-globals")
    public._recognise_shape_bugs(error, (1, 28, 28), (6, 4))
    got = observe("own_models")
    for returned in got["returned"]:
        if returned["type"] != "dict":
            fail(f"train_step should return a dict with the keys 'd_loss' and 'g_loss', but it returned a "
                 f"{returned['type']}.")
        for key in ("d_loss", "g_loss"):
            if not _is_number(returned[key]):
                fail(f"train_step should return {key} as a finite float, but it returned "
                     f"{describe(returned[key])}.")
    if not got["d_moved"] > 0:
        fail("Two train_steps on your own models did not change the discriminator's parameters: call "
             "d_loss.backward() and d_opt.step().")
    if not got["g_moved"] > 0:
        fail("Two train_steps on your own models did not change the generator's parameters: the generator "
             "step must back-propagate g_loss through D into G and call g_opt.step().")
