import pytest


@pytest.mark.points(5)
def test_imports(observe):
    """The notebook imports."""
    assert observe("import") is not None, "The notebook did not import."
