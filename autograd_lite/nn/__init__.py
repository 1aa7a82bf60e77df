"""Neural-network building blocks, PyTorch's ``torch.nn`` on autograd_lite.

``Module`` and ``Parameter``; containers (``Sequential``, ``ModuleList``, ``ModuleDict``);
layers (``Linear``, ``Conv2d``, ``BatchNorm1d``, ...); losses as modules; ``functional``
(``F``), ``init`` and ``utils`` (gradient clipping).
Layers default to float32 parameters (``dtype=`` to change) and initialise from the
global generator (``ag.manual_seed``), or from ``rng=`` (a numpy Generator or seed).

Example
-------
>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite import nn, optim
>>> model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
>>> opt = optim.SGD(model.parameters(), lr=0.5)
>>> x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
>>> y = np.array([0, 1, 1, 0])
>>> first = nn.CrossEntropyLoss()(model(x), y).item()
>>> for _ in range(50):
...     opt.zero_grad()
...     loss = nn.CrossEntropyLoss()(model(x), y)
...     loss.backward()
...     opt.step()
>>> loss.item() < first
True
"""

from autograd_lite.nn import functional, init, utils
from autograd_lite.nn.conv import AvgPool2d, Conv2d, MaxPool2d
from autograd_lite.nn.layers import (
    Dropout,
    Embedding,
    Flatten,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from autograd_lite.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from autograd_lite.nn.module import Module, ModuleDict, ModuleList, Sequential
from autograd_lite.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from autograd_lite.nn.parameter import Parameter

__all__ = [
    "AvgPool2d",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
    "utils",
]
