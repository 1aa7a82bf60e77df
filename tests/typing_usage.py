"""Code a user writes, type-checked by CI (``mypy tests/typing_usage.py``): declared ops and
Tensor methods are visible to type checkers. Not a test module; it only has to type-check."""

import numpy as np

import autograd_lite as ag

x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
y: ag.Tensor = x.exp().sum(axis=0) + ag.exp(x).T * 2.0
inside: ag.Tensor = (x > 0) & (x < 1.5)
moved: ag.Tensor = x.reshape(2, 1).transpose(1, 0).swapaxes(0, 1)
loss = ag.softmax_cross_entropy(moved.T, np.array([1]))
loss.backward()
grad: ag.Tensor | None = x.grad
