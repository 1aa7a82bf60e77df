"""Optimisers and learning-rate schedulers, PyTorch's ``torch.optim`` on numpy.

Example
-------
>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite import optim
>>> w = ag.tensor(np.array([3.0]), requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> for _ in range(20):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> abs(w.item()) < 1e-5
True
"""

from autograd_lite.optim import lr_scheduler
from autograd_lite.optim.adadelta import Adadelta
from autograd_lite.optim.adagrad import Adagrad
from autograd_lite.optim.adam import Adam, AdamW
from autograd_lite.optim.adamax import Adamax
from autograd_lite.optim.lbfgs import LBFGS
from autograd_lite.optim.nadam import NAdam
from autograd_lite.optim.optimizer import Optimizer
from autograd_lite.optim.radam import RAdam
from autograd_lite.optim.rmsprop import RMSprop
from autograd_lite.optim.sgd import SGD

__all__ = [
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "lr_scheduler",
]
