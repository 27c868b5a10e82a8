"""Probes of the benchmark's notebook exercise: ten small cases, a few milliseconds each once torch is warm."""

from grader.probing import probe

CHAIN = {"a": ["b", "c"], "b": ["c"], "c": ["a", "d"], "d": []}


@probe("generate", cases=[{"seed": s} for s in range(4)])
def generate(student, seed):
    return list(student.generate(CHAIN, "a", 12, seed))


@probe("forward", cases=[{"n": 2}, {"n": 5}])
def forward(student, n):
    import torch

    model = student.build_cnn()
    return model(torch.rand(n, 1, 16, 16, generator=torch.Generator().manual_seed(n))).detach()


def _data(generator):
    import torch

    labels = torch.randint(0, 4, (32,), generator=generator)
    images = torch.rand(32, 1, 16, 16, generator=generator) * 0.3
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 2)
        images[i, 0, r * 8:(r + 1) * 8, c * 8:(c + 1) * 8] += 0.7
    return images, labels


@probe("train", cases=[{"steps": 1}, {"steps": 30}])
def train(student, steps):
    import torch

    torch.manual_seed(0)
    model = student.build_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    images, labels = _data(torch.Generator().manual_seed(1))
    before = [p.detach().clone() for p in model.parameters()]
    losses = [float(student.train_step(model, images, labels, optimizer)) for _ in range(steps)]
    moved = max(float((p.detach() - b).abs().max()) for p, b in zip(model.parameters(), before, strict=True))
    with torch.no_grad():
        accuracy = float((model(images).argmax(1) == labels).float().mean())
    return {"losses": losses, "moved": moved, "accuracy": accuracy}
