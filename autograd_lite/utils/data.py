"""``ag.utils.data``: the datasets, samplers and ``DataLoader`` of :mod:`autograd_lite.data`,
at PyTorch's path (``torch.utils.data``)."""

from ..data import loader
from ..data.loader import *  # noqa: F403 - the same objects under torch.utils.data's path

__all__ = loader.__all__
