"""Neural-network building blocks, PyTorch's ``torch.nn`` on autograd_lite.

``Module`` and ``Parameter``; containers (``Sequential``, ``ModuleList``, ``ModuleDict``,
``ParameterList``, ``ParameterDict``); layers (``Linear``, ``Conv2d``, ``BatchNorm1d``,
``LSTM``, ``MultiheadAttention``, the ``Transformer`` family, ...); losses as modules;
``functional`` (``F``), ``init`` and ``utils`` (gradient clipping, parameters as one vector).
Layers default to ``ag.get_default_dtype()`` parameters (``dtype=`` to change) and initialise
from the global generator (``ag.manual_seed``), or from ``rng=`` (a numpy Generator or seed).

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
from autograd_lite.nn.activation import GELU
from autograd_lite.nn.attention import MultiheadAttention
from autograd_lite.nn.conv import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool2d,
    Conv1d,
    Conv2d,
    ConvTranspose2d,
    MaxPool2d,
    Upsample,
)
from autograd_lite.nn.layers import (
    ELU,
    SELU,
    Dropout,
    Dropout2d,
    Embedding,
    Flatten,
    Hardtanh,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softplus,
    Tanh,
)
from autograd_lite.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    TripletMarginLoss,
)
from autograd_lite.nn.module import (
    Module,
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)
from autograd_lite.nn.normalization import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    LayerNorm,
    RMSNorm,
)
from autograd_lite.nn.parameter import Parameter
from autograd_lite.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from autograd_lite.nn.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

__all__ = [
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "ELU",
    "Embedding",
    "Flatten",
    "GRU",
    "GRUCell",
    "GELU",
    "Identity",
    "LSTM",
    "LSTMCell",
    "GroupNorm",
    "Hardtanh",
    "HuberLoss",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "KLDivLoss",
    "L1Loss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MarginRankingLoss",
    "MaxPool2d",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "ParameterDict",
    "ParameterList",
    "RNN",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "RMSNorm",
    "ReLU",
    "ReLU6",
    "SELU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softmax2d",
    "Softplus",
    "Tanh",
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
    "Upsample",
    "TripletMarginLoss",
    "functional",
    "init",
    "utils",
]
