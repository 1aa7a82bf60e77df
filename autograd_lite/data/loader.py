"""Datasets and the mini-batch loader, PyTorch style, batching by numpy fancy indexing."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .._args import check_count
from ..core import Tensor, value
from ..creation import RNGLike

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "random_split"]


class Dataset:
    """Base class for map-style datasets: ``__len__`` and ``__getitem__(i)`` for int ``i``.

    ``DataLoader`` builds a batch by calling ``__getitems__(indices)`` with an int array
    when the dataset defines it (one vectorised fetch), else ``dataset[i]`` once per
    sample and stacks the results. A subclass whose ``__getitem__`` already accepts an
    index array can opt in with ``__getitems__ = __getitem__``.

    Examples
    --------
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return np.float64(i), np.float64(i * i)
    >>> [b[1].numpy().tolist() for b in DataLoader(Squares(), batch_size=2)]
    [[0.0, 1.0], [4.0, 9.0], [16.0]]
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


def _as_array(x: Any) -> np.ndarray:
    return np.asarray(value(x))


class TensorDataset(Dataset):
    """Samples are rows of the given arrays (or Tensors, taken detached).

    Parameters
    ----------
    *arrays : array-like or Tensor
        At least one, all with the same length along axis 0.

    Examples
    --------
    >>> ds = TensorDataset(np.arange(6.0).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1][0].tolist(), ds[np.array([2, 0])][1].tolist()
    (3, [2.0, 3.0], [0, 0])
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: expected at least one array, got none")
        self.arrays = tuple(_as_array(a) for a in arrays)
        shapes = [a.shape for a in self.arrays]
        if any(len(s) == 0 for s in shapes) or len({s[0] for s in shapes}) != 1:
            raise ValueError(
                f"TensorDataset: all arrays need the same length along axis 0, got shapes "
                f"{', '.join(map(str, shapes))}"
            )

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    __getitems__ = __getitem__


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Examples
    --------
    >>> ds = Subset(TensorDataset(np.arange(10)), [7, 3])
    >>> len(ds), ds[0][0].item()
    (2, 7)
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.intp).reshape(-1)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def __getitems__(self, indices: np.ndarray) -> Any:
        return _fetch(self.dataset, self.indices[indices])


def _as_dataset(data: Any, fn: str) -> Any:
    """A dataset as is; a tuple of arrays, an array or a Tensor as a TensorDataset.

    A list stays a dataset (a list of samples, as in PyTorch), not a list of columns.
    """
    if isinstance(data, tuple):
        return TensorDataset(*data)
    if isinstance(data, np.ndarray | Tensor):
        return TensorDataset(data)
    if not (hasattr(data, "__len__") and hasattr(data, "__getitem__")):
        raise TypeError(
            f"{fn}: expected a Dataset (with __len__ and __getitem__) or a tuple of arrays, "
            f"got {type(data).__name__}"
        )
    return data


def _fetch(dataset: Any, indices: np.ndarray) -> Any:
    """The samples at ``indices`` as one batch: arrays stacked along a new axis 0."""
    if hasattr(dataset, "__getitems__"):
        return dataset.__getitems__(indices)
    samples = [dataset[int(i)] for i in indices]  # fallback for int-only datasets
    if samples and isinstance(samples[0], tuple | list):
        return tuple(np.stack([_as_array(s[k]) for s in samples]) for k in range(len(samples[0])))
    return np.stack([_as_array(s) for s in samples])


def _to_tensors(batch: Any) -> Any:
    if isinstance(batch, tuple | list):
        return tuple(_to_tensors(b) for b in batch)
    return batch if isinstance(batch, Tensor) else Tensor(batch)  # fresh arrays: no copy


def random_split(
    dataset: Any, lengths: Sequence[int | float], seed: RNGLike = None
) -> list[Subset]:
    """Split a dataset into non-overlapping random subsets of the given lengths.

    Parameters
    ----------
    dataset : Dataset or tuple of arrays
        What to split.
    lengths : sequence of int or float
        Sizes summing to ``len(dataset)``, or fractions summing to 1; as in PyTorch,
        fractions are floored and the remainder handed out one by one from the first.
    seed : int, numpy Generator or None
        Source of the permutation.

    Examples
    --------
    >>> train, val = random_split((np.arange(10.0),), [0.8, 0.2], seed=0)
    >>> len(train), len(val)
    (8, 2)
    """
    dataset = _as_dataset(dataset, "random_split")
    n = len(dataset)
    lengths = list(lengths)
    if any(isinstance(k, float) for k in lengths):
        if any(k < 0 for k in lengths) or not math.isclose(sum(lengths), 1.0):
            raise ValueError(f"random_split: fractions must be >= 0 and sum to 1, got {lengths}")
        sizes = [math.floor(n * k) for k in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(k) for k in lengths]
        if sum(sizes) != n or any(k < 0 for k in sizes):
            raise ValueError(
                f"random_split: lengths must be non-negative ints summing to the dataset's "
                f"length {n} (or fractions summing to 1), got {lengths}"
            )
    perm = np.random.default_rng(seed).permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors (``requires_grad=False``).

    Each batch is fetched with one fancy-indexing call per array, never a Python loop
    over samples (unless the dataset only supports int indices). A batch mirrors a
    sample: a tuple of Tensors for tuple samples (e.g. ``(x, y)``).

    Parameters
    ----------
    dataset_or_arrays : Dataset, tuple of arrays/Tensors, array or Tensor
        Arrays are wrapped in a ``TensorDataset``; a list is a list of samples.
    batch_size : int
        Samples per batch (the last one may be smaller).
    shuffle : bool
        Visit samples in a new random order each epoch.
    drop_last : bool
        Drop the last batch if it is smaller than ``batch_size``.
    seed : int, numpy Generator or None
        Source of the shuffling; with an int, the sequence of epoch orders is
        reproducible: epoch k always gets the same permutation.

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader((X, y), batch_size=2, shuffle=True, seed=0)
    >>> len(loader), [tuple(yb.shape) for _, yb in loader]
    (3, [(2,), (2,), (1,)])
    """

    def __init__(
        self,
        dataset_or_arrays: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: RNGLike = None,
    ) -> None:
        check_count("DataLoader", "batch_size", batch_size, 1)
        self.dataset = _as_dataset(dataset_or_arrays, "DataLoader")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield _to_tensors(_fetch(self.dataset, order[start : start + self.batch_size]))
