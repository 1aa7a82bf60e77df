"""Datasets and mini-batch loading.

- ``DataLoader``, ``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``, the
  samplers and ``default_collate``: as in PyTorch (``torch.utils.data``); batches are
  tuples of Tensors cut from whole arrays by fancy indexing.
- Toy and classic data sets returning numpy ``(X, y)``, all offline: ``spiral``,
  ``five_clusters``, ``xor``, ``iris``, ``digits`` (shipped with the package) and
  ``mnist(root)`` (IDX files you download yourself; ``read_idx`` reads any IDX file).
- ``hamlet()``: a small public-domain text (one string) for character-level models.

Examples
--------
>>> from autograd_lite import data
>>> X, y = data.spiral(seed=0)
>>> loader = data.DataLoader((X, y), batch_size=100, shuffle=True, seed=0)
>>> xb, yb = next(iter(loader))
>>> xb.shape, yb.dtype.name, len(loader)
((100, 2), 'int64', 3)
"""

from .datasets import (
    FIVE_CLUSTER_CENTERS,
    IRIS_CLASS_NAMES,
    IRIS_FEATURE_NAMES,
    digits,
    five_clusters,
    hamlet,
    iris,
    spiral,
    xor,
)
from .idx import MNIST_URLS, mnist, read_idx
from .loader import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    default_convert,
    random_split,
)

__all__ = [
    "FIVE_CLUSTER_CENTERS",
    "IRIS_CLASS_NAMES",
    "IRIS_FEATURE_NAMES",
    "MNIST_URLS",
    "BatchSampler",
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "digits",
    "five_clusters",
    "hamlet",
    "iris",
    "mnist",
    "random_split",
    "read_idx",
    "spiral",
    "xor",
]
