"""Public checks: students get this file in their bundle (grader export) and see their code's output."""

import pytest

from grader.checking import expect_shape


@pytest.mark.points(10)
def test_output_shape(observe):
    """build_classifier(4, 3) maps 2 inputs to 2 rows of 3 logits."""
    seen = observe("forward", n=2)
    assert seen["is_module"], f"build_classifier should return a torch.nn.Module, not a {seen['type']}."
    expect_shape(seen["output"], (2, 3), what="The classifier's output for 2 inputs")
