"""Hidden check: save_generator / load_generator round trip, also for a checkpoint written on a GPU machine.

The 'gpu' case writes the checkpoint with every storage tagged 'cuda:0' (as
torch.save does on a GPU machine); this machine has no GPU, so only a load
onto the CPU (map_location="cpu") works.
"""

import numpy as np
import pytest

from grader.checking import describe, fail, raised


@pytest.mark.points(10)
@pytest.mark.bug("nonexistent-module")
def test_save_and_load_round_trip(observe):
    """load_generator(path, **kwargs) restores exactly the saved generator, in eval mode, even from a GPU checkpoint."""
    for saved_on in ("cpu", "gpu"):
        error = observe.error("checkpoint", saved_on=saved_on)
        if raised(error, "ModuleNotFoundError", "'gan_model'") or raised(error, "NameError", "'GANModel'"):
            fail("Your code uses GANModel from a package 'gan_model' that does not exist: build the model with "
                 "your own Generator(**kwargs) class and load the weights into it.", bug="nonexistent-module")
        if saved_on == "gpu" and raised(error, "RuntimeError", "deserialize object on a CUDA device"):
            fail("A checkpoint saved on a GPU machine could not be loaded on this CPU-only machine: load it "
                 "onto the CPU, torch.load(path, map_location=\"cpu\").")
        got = observe("checkpoint", saved_on=saved_on)
        if not got["is_module"]:
            fail(f"load_generator should return the generator (an nn.Module), but it returned a {got['type']}.")
        original, loaded = got["original"], got["loaded"]
        where = "a checkpoint written on a GPU machine" if saved_on == "gpu" else "its own checkpoint"
        if not isinstance(loaded, np.ndarray) or loaded.shape != original.shape:
            fail(f"The generator loaded from {where} should make images of shape {original.shape}, but it made "
                 f"{describe(loaded)}.")
        if not np.allclose(loaded, original, atol=1e-6):
            hint = (" They equal a freshly built Generator's: the saved weights were not loaded."
                    if np.allclose(loaded, got["fresh"], atol=1e-6) else "")
            fail(f"The generator loaded from {where} makes different images than the one that was saved (both "
                 f"in eval mode, same noise).{hint}")
        if got["training_after_load"]:
            fail("load_generator should return the generator in eval mode (generator.eval()), ready to sample.")
