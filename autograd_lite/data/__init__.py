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

from .datasets import *  # noqa: F403 - spiral, iris, digits, ...
from .datasets import __all__ as _datasets_all
from .idx import *  # noqa: F403 - mnist, read_idx, MNIST_URLS
from .idx import __all__ as _idx_all
from .loader import *  # noqa: F403 - DataLoader, Dataset, the samplers, ...
from .loader import __all__ as _loader_all

__all__ = [*_loader_all, *_datasets_all, *_idx_all]
