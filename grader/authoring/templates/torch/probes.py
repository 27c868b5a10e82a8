"""Probes (run in the sandboxed worker, next to the student's code): call it, return plain data.

They hold no expected value and judge nothing: the checks do that, in the trusted process. Import torch
inside each probe (warm workers import it once, before the student's code). Build data with a private
``torch.Generator`` so that the student's own random calls cannot shift it.
"""

from grader.probing import array, number, probe, type_name

IN, CLASSES = 4, 3


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _batch(torch, n, seed):
    """n inputs of IN features and labels that a linear model can learn (class = argmax of 3 features)."""
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, IN, generator=g)
    return inputs, inputs[:, :CLASSES].argmax(dim=1)


@probe("forward", cases=[{"n": 2}, {"n": 7}])
def forward(student, n):
    """The student's classifier on n inputs: its type and its output."""
    torch = _torch()
    model = student.build_classifier(IN, CLASSES)
    inputs, _ = _batch(torch, n, seed=n)
    with torch.no_grad():
        return {"type": type_name(model), "is_module": isinstance(model, torch.nn.Module),
                "output": array(model(inputs))}


@probe("two_steps")
def two_steps(student):
    """Two train_step calls on a fixed linear model with plain SGD: the losses and each step's update."""
    torch = _torch()
    g = torch.Generator().manual_seed(1)
    model = torch.nn.Linear(IN, CLASSES)
    with torch.no_grad():
        model.weight.copy_(torch.randn(CLASSES, IN, generator=g))
        model.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    inputs, labels = _batch(torch, 16, seed=2)
    losses, updates = [], []
    for _ in range(2):
        before = model.weight.detach().clone()
        losses.append(number(student.train_step(model, optimizer, inputs, labels)))
        updates.append(array(model.weight.detach() - before, dtype="float64"))
    return {"losses": losses, "updates": updates}


@probe("learns", timeout=30)
def learns(student):
    """The student's classifier trained with its own train_step (Adam, 60 steps): accuracy on new data."""
    torch = _torch()
    model = student.build_classifier(IN, CLASSES)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    inputs, labels = _batch(torch, 128, seed=3)
    for _ in range(60):
        student.train_step(model, optimizer, inputs, labels)
    test_inputs, test_labels = _batch(torch, 256, seed=4)
    model.eval()
    with torch.no_grad():
        predicted = model(test_inputs).argmax(dim=1)
    return {"accuracy": float((predicted == test_labels).float().mean())}
