"""``ag.utils``: PyTorch's ``torch.utils`` path, so that ``from autograd_lite.utils.data import
DataLoader`` works as ``from torch.utils.data import DataLoader`` does."""

from . import data

__all__ = ["data"]
