"""The same small PyTorch programs, run by PyTorch and by autograd_lite: same numbers.

Each program is written as a PyTorch user writes it (a Module subclass, x.view(x.size(0), -1),
argmax(dim=1), .float(), torch.cat, a Dataset subclass, ...), against a module called
``torch``; the tests run it once with ``torch`` and once with ``autograd_lite`` in its place
(the only change a user would make is the import; ``from torch.utils.data import DataLoader``
is spelled as attribute access here, so that the parameter decides the library). Random
initial weights are drawn by numpy and copied in, since the two libraries' generators differ.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite

torch = pytest.importorskip("torch")
# torch's own vectorized forward-mode jacobian warns about its internals
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

rng = np.random.default_rng(0)
X_TRAIN = rng.normal(size=(16, 4)).astype(np.float32)
Y_TRAIN = rng.integers(0, 3, size=16)
WEIGHTS = [
    rng.uniform(-0.5, 0.5, size=shape).astype(np.float32) for shape in [(8, 4), (8,), (3, 8), (3,)]
]
IMAGES = rng.normal(size=(8, 1, 8, 8)).astype(np.float32)
LABELS = rng.integers(0, 3, size=8)
CNN_WEIGHTS = [
    rng.uniform(-0.3, 0.3, size=shape).astype(np.float32)
    for shape in [(4, 1, 3, 3), (4,), (8, 4, 3, 3), (8,), (3, 32), (3,)]
]
X64 = rng.normal(size=5)
Y64 = rng.normal(size=5)
V64 = rng.normal(size=5)


def as_numpy(result):
    """Nested tuples/lists of tensors (either library) as nested lists of arrays."""
    if isinstance(result, tuple | list):
        return [as_numpy(r) for r in result]
    if hasattr(result, "detach"):
        return result.detach().numpy()
    return np.asarray(result)


def assert_same(ours, theirs, rtol, atol):
    assert type(ours) is type(theirs)
    if isinstance(ours, list):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol, atol)
    else:
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def both(program):
    return as_numpy(program(autograd_lite)), as_numpy(program(torch))


# --------------------------------------------------------------------------- the programs


def mlp_training(torch):
    nn, F = torch.nn, torch.nn.functional  # import torch.nn as nn, ... in a script
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(4, 8)
            self.out = nn.Linear(8, 3)

        def forward(self, x):
            x = x.view(x.size(0), -1).clamp(-2.0, 2.0)  # (N, 2, 2) -> (N, 4), outliers clipped
            return self.out(torch.tanh(self.hidden(x)))

    torch.manual_seed(0)
    model = MLP()
    with torch.no_grad():
        for p, w in zip(model.parameters(), WEIGHTS):
            p.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    dataset = TensorDataset(torch.from_numpy(X_TRAIN.reshape(16, 2, 2)), torch.from_numpy(Y_TRAIN))
    loader = DataLoader(dataset, batch_size=4, shuffle=False, num_workers=0)
    losses = []
    for _epoch in range(3):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    predictions, correct = [], 0
    with torch.inference_mode():
        for xb, yb in loader:
            predicted = model(xb).argmax(dim=1)
            predictions.append(predicted)
            correct += (predicted == yb).float().sum().item()
        logits = model(torch.tensor(X_TRAIN).view(-1, 2, 2))
    accuracy = correct / len(dataset)
    weights = [p.detach() for p in model.parameters()]
    return losses, weights, logits, torch.cat(predictions), accuracy


def cnn_training(torch):
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(4, 8, 3)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(8 * 2 * 2, 3)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))  # (N, 4, 4, 4)
            x = F.relu(self.conv2(x))  # (N, 8, 2, 2)
            return self.fc(self.flatten(x))

    model = Net()
    with torch.no_grad():
        for p, w in zip(model.parameters(), CNN_WEIGHTS):
            p.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    images, labels = torch.from_numpy(IMAGES), torch.from_numpy(LABELS)
    losses = []
    for _step in range(5):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(images)
        accuracy = (logits.argmax(dim=1) == labels).float().mean()
    grads = [p.grad for p in model.parameters()]
    return losses, [p.detach() for p in model.parameters()], grads, logits, accuracy


def seeded_data_loading(torch):
    """What a shuffled DataLoader gives, in what PyTorch promises and autograd_lite too: the two
    libraries' generators differ, so the order itself is compared with the same library's."""
    DataLoader, Dataset = torch.utils.data.DataLoader, torch.utils.data.Dataset

    class Squares(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return torch.tensor([float(i)]), i * i

    def epochs(seed):
        torch.manual_seed(seed)
        loader = DataLoader(Squares(), batch_size=4, shuffle=True)
        return [[(x.view(-1).long().tolist(), y.tolist()) for x, y in loader] for _ in range(2)]

    first, again, other = epochs(0), epochs(0), epochs(1)
    x, y = next(iter(DataLoader(Squares(), batch_size=3)))
    train, test = torch.utils.data.random_split(Squares(), [7, 3])
    split = sorted(i for i, _ in ((int(x.item()), y) for x, y in [*train, *test]))
    return (
        first == again,  # manual_seed makes the shuffling reproducible
        first != other,  # and another seed shuffles otherwise
        first[0] != first[1],  # each epoch draws a new order
        [[len(ids) for ids, _ in epoch] for epoch in first],  # batch sizes 4, 4, 2
        [sorted(i for ids, _ in epoch for i in ids) for epoch in first],  # each sample once
        all(sq == [i * i for i in ids] for epoch in first for ids, sq in epoch),  # pairs kept
        x,  # collated: (3, 1) float32
        y,  # Python ints collated to int64
        (len(train), len(test)),
        split,  # random_split: disjoint, everything
    )


def custom_function(torch):
    class MyClamp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, lo, hi):
            ctx.save_for_backward(x)
            ctx.lo, ctx.hi = lo, hi
            return torch.where(x < lo, lo, torch.where(x > hi, hi, x))

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            inside = torch.where(x < ctx.lo, 0.0, torch.where(x > ctx.hi, 0.0, grad_output))
            return inside, None, None

    class MyExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = torch.exp(x)
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    x = torch.tensor(X64, requires_grad=True)
    y = MyExp.apply(MyClamp.apply(x, -0.5, 1.0))
    (dx,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (d2x,) = torch.autograd.grad(dx.sum(), x)
    z = MyExp.apply(x * 0.5)
    z.backward(torch.ones_like(z))
    return y, dx, d2x, x.grad


def functional(torch):
    jacobian, hessian = torch.autograd.functional.jacobian, torch.autograd.functional.hessian
    vjp, jvp = torch.autograd.functional.vjp, torch.autograd.functional.jvp
    hvp, vhp = torch.autograd.functional.hvp, torch.autograd.functional.vhp

    def f(x):
        return torch.tanh(x) * x.sum()

    def energy(x, y):
        return (torch.exp(x * 0.5) * y).sum() + (x * x * x).sum()

    x, y, v = torch.tensor(X64), torch.tensor(Y64), torch.tensor(V64)
    return (
        jacobian(f, x),
        jacobian(f, x, vectorize=True, strategy="forward-mode"),
        jacobian(lambda a, b: (a * b, a.sum() * b), (x, y)),
        hessian(energy, (x, y)),
        hessian(lambda a: (torch.sin(a) * a).sum(), x),
        vjp(f, x, v),
        jvp(f, x, v),
        hvp(energy, (x, y), (v, v)),
        vhp(energy, (x, y), (v, v)),
    )


def grad_modes_and_backward(torch):
    x = torch.tensor(X64, requires_grad=True)
    w = torch.tensor(Y64, requires_grad=True)
    a, b = (x * w).sum(), (torch.tanh(x) * w).sum()
    torch.autograd.backward([a, b], [torch.tensor(1.0, dtype=torch.float64), None])
    with torch.no_grad():
        frozen = x * 2

    @torch.no_grad()
    def doubled(t):
        return t * 2

    return x.grad, w.grad, frozen, doubled(w), torch.zeros(2, 3), torch.ones((2,)), torch.arange(4)


# --------------------------------------------------------------------------- the tests


# Float32 training loops agree to float32 rounding, float64 calculus to float64's, data exactly.
@pytest.mark.parametrize(
    ("program", "rtol", "atol"),
    [
        pytest.param(mlp_training, 1e-5, 1e-6, id="mlp training loop: losses and weights"),
        pytest.param(
            cnn_training, 1e-5, 1e-6, id="cnn training steps: losses, weights and gradients"
        ),
        pytest.param(seeded_data_loading, 0, 0, id="seeded data loading"),
        pytest.param(custom_function, 1e-12, 1e-14, id="custom functions: values, derivatives"),
        pytest.param(functional, 1e-12, 1e-14, id="jacobian, hessian and their products"),
        pytest.param(
            grad_modes_and_backward,
            1e-12,
            1e-14,
            id="backward of several outputs, grad modes and factories",
        ),
    ],
)
def test_the_program_gives_the_same_numbers_in_both_libraries(program, rtol, atol):
    ours, theirs = both(program)
    assert_same(ours, theirs, rtol=rtol, atol=atol)
