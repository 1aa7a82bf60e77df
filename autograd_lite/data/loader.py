"""Datasets and the mini-batch loader, PyTorch style, batching by numpy fancy indexing."""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import numpy as np

from .._args import check_count
from ..core import Tensor, value
from ..creation import RNGLike, as_rng, pick_rng

__all__ = [
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
    "random_split",
]


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
    """The samples at ``indices`` as one batch of Tensors (arrays stacked along axis 0)."""
    if hasattr(dataset, "__getitems__"):
        return _to_tensors(dataset.__getitems__(indices))
    return default_collate([dataset[int(i)] for i in indices])  # int-only datasets


def _to_tensors(batch: Any) -> Any:
    if isinstance(batch, tuple | list):
        return tuple(_to_tensors(b) for b in batch)
    return batch if isinstance(batch, Tensor) else Tensor(batch)  # fresh arrays: no copy


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, as PyTorch's ``default_collate``.

    Tensors, numpy arrays and numbers become one Tensor with a new axis 0 (Python floats
    float64, ints int64, as numpy stacks them); tuples and lists are collated position by
    position (a namedtuple keeps its type), dicts key by key; strings stay a list.

    >>> b = default_collate([{"x": np.ones(2), "y": 0}, {"x": np.zeros(2), "y": 1}])
    >>> b["x"].shape, b["y"].tolist()
    ((2, 2), [0, 1])
    """
    elem = batch[0]
    if isinstance(elem, Tensor | np.ndarray | np.generic | int | float | complex):
        arrays = [np.asarray(value(b)) for b in batch]
        if arrays[0].dtype.hasobject:
            raise TypeError(f"default_collate: cannot stack arrays of dtype {arrays[0].dtype}")
        return Tensor(np.stack(arrays))
    if isinstance(elem, str | bytes):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple | list):
        if any(len(b) != len(elem) for b in batch):
            raise RuntimeError("default_collate: each sample in the batch should be of equal size")
        columns = [default_collate(list(c)) for c in zip(*batch)]
        if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
            return type(elem)(*columns)
        return tuple(columns) if isinstance(elem, tuple) else columns
    raise TypeError(
        f"default_collate: batch must contain Tensors, numpy arrays, numbers, dicts, tuples "
        f"or lists; found {type(elem).__name__}"
    )


def default_convert(data: Any) -> Any:
    """Arrays and numpy scalars (also inside tuples, lists and dicts) as Tensors: what
    ``DataLoader(batch_size=None)`` does to each sample, as PyTorch's ``default_convert``."""
    if isinstance(data, np.ndarray | np.generic):
        return Tensor(np.asarray(data))
    if isinstance(data, Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple | list):
        return type(data)(default_convert(d) for d in data)
    return data


# --------------------------------------------------------------------------- samplers


class Sampler:
    """Base class of samplers: iterables over dataset indices (``__iter__``, ``__len__``)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """The indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """The indices in a new random order each pass, as PyTorch's ``RandomSampler``.

    Without replacement, each pass is a permutation (repeated whole, then cut, when
    ``num_samples`` exceeds the length); with ``replacement=True``, ``num_samples``
    independent draws. The order comes from ``generator`` (a Generator or an int seed),
    else from the global generator that ``ag.manual_seed`` seeds.
    """

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: RNGLike = None,
    ) -> None:
        if num_samples is not None:
            check_count("RandomSampler", "num_samples", num_samples, 1)
        self.data_source = data_source
        self.replacement = bool(replacement)
        self._num_samples = num_samples
        self.generator = generator
        self._rng = None if generator is None else as_rng(generator)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> np.ndarray:
        n, k = len(self.data_source), self.num_samples
        rng = as_rng(None) if self._rng is None else self._rng  # the global one, read now
        if self.replacement:
            return rng.integers(0, n, k)
        if n == 0:
            return np.arange(0)
        return np.concatenate([rng.permutation(n) for _ in range(-(-k // n))])[:k]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(RandomSampler):
    """The given ``indices`` in a random order, without replacement."""

    def __init__(self, indices: Sequence[int], generator: RNGLike = None) -> None:
        super().__init__(indices, generator=generator)
        self.indices = indices

    def _order(self) -> np.ndarray:
        return np.asarray(self.indices, dtype=np.intp)[super()._order()]


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        check_count("BatchSampler", "batch_size", batch_size, 1)
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = bool(drop_last)

    def _arrays(self) -> Iterator[np.ndarray]:
        """The batches as index arrays: cut from one array when the sampler has one."""
        size = self.batch_size
        if hasattr(self.sampler, "_order"):
            order = self.sampler._order()
            stop = len(order) - len(order) % size if self.drop_last else len(order)
            for start in range(0, stop, size):
                yield order[start : start + size]
            return
        chunk: list[int] = []
        for i in self.sampler:
            chunk.append(i)
            if len(chunk) == size:
                yield np.asarray(chunk, dtype=np.intp)
                chunk = []
        if chunk and not self.drop_last:
            yield np.asarray(chunk, dtype=np.intp)

    def __iter__(self) -> Iterator[list[int]]:
        return (batch.tolist() for batch in self._arrays())

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def random_split(
    dataset: Any,
    lengths: Sequence[int | float],
    generator: RNGLike = None,
    *,
    seed: RNGLike = None,
) -> list[Subset]:
    """Split a dataset into non-overlapping random subsets of the given lengths.

    Parameters
    ----------
    dataset : Dataset or tuple of arrays
        What to split.
    lengths : sequence of int or float
        Sizes summing to ``len(dataset)``, or fractions summing to 1; as in PyTorch,
        fractions are floored and the remainder handed out one by one from the first.
    generator : Generator, int seed or None
        Source of the permutation (PyTorch's name); None: the global generator that
        ``ag.manual_seed`` seeds.
    seed : int, numpy Generator or None
        The same, under autograd_lite's older name.

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
    perm = pick_rng("random_split", seed, generator).permutation(n)
    bounds = np.cumsum([0, *sizes])
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


class DataLoader:
    """Iterate over a dataset in mini-batches of Tensors, with PyTorch's arguments.

    Each batch is fetched with one fancy-indexing call per array, never a Python loop
    over samples (unless the dataset only supports int indices, or ``collate_fn`` is
    given). A batch mirrors a sample: a tuple of Tensors for tuple samples (e.g.
    ``(x, y)``), a dict for dicts. Batches never require grad.

    Parameters
    ----------
    dataset : Dataset, tuple of arrays/Tensors, array or Tensor
        Arrays are wrapped in a ``TensorDataset``; a list is a list of samples.
    batch_size : int or None
        Samples per batch (the last one may be smaller). None: no batching, each sample
        is yielded on its own (arrays made Tensors, see :func:`default_convert`).
    shuffle : bool
        Visit samples in a new random order each epoch (a ``RandomSampler``).
    sampler, batch_sampler : iterables of indices / of lists of indices, optional
        Choose the order yourself (``Sampler``, ``RandomSampler``, ``BatchSampler``, or
        any iterable), as in PyTorch; each excludes the options it replaces.
    num_workers : int
        0: batches are made when asked for. More: that many threads make the next
        ``num_workers * prefetch_factor`` batches ahead, delivered in order. Threads, not
        processes: numpy indexing and file reading release the GIL, and a worker's
        dataset is the same object (no copy, no pickling).
    collate_fn : callable, optional
        Builds a batch from a list of samples (``dataset[i]`` each); by default batches
        are fetched whole and stacked (:func:`default_collate`).
    pin_memory, pin_memory_device, multiprocessing_context
        Accepted for PyTorch's signature; nothing to do on the CPU / with threads.
    drop_last : bool
        Drop the last batch if it is smaller than ``batch_size``.
    timeout : float
        With workers, how long to wait for a batch before raising (0: forever).
    worker_init_fn : callable, optional
        Called as ``worker_init_fn(worker_id)`` in each worker thread when it starts.
    generator : Generator or int seed, optional
        Source of the shuffling; None: the global generator (``ag.manual_seed``).
    prefetch_factor : int, optional
        Batches in flight per worker (default 2); only with ``num_workers > 0``.
    persistent_workers : bool
        Keep the worker threads between epochs; only with ``num_workers > 0``.
    in_order : bool
        Accepted; batches always come in order.
    seed : int, numpy Generator or None
        autograd_lite's older name for ``generator``; with an int, the sequence of epoch
        orders is reproducible: epoch k always gets the same permutation.

    Examples
    --------
    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader((X, y), batch_size=2, shuffle=True, seed=0)
    >>> len(loader), [tuple(yb.shape) for _, yb in loader]
    (3, [(2,), (2,), (1,)])
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: RNGLike = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
        seed: RNGLike = None,
    ) -> None:
        if batch_size is not None:
            check_count("DataLoader", "batch_size", batch_size, 1)
        check_count("DataLoader", "num_workers", num_workers, 0)
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout must be non-negative, got {timeout!r}")
        if num_workers == 0 and (prefetch_factor is not None or persistent_workers):
            raise ValueError(
                "DataLoader: prefetch_factor and persistent_workers need num_workers > 0 "
                "(worker threads); with num_workers=0 batches are made when asked for"
            )
        if prefetch_factor is not None:
            check_count("DataLoader", "prefetch_factor", prefetch_factor, 1)
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (
            batch_size != 1 or shuffle or sampler is not None or drop_last
        ):
            raise ValueError(
                "DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                "shuffle, sampler, and drop_last"
            )
        if batch_size is None and drop_last:
            raise ValueError(
                "DataLoader: batch_size=None disables batching and is mutually exclusive "
                "with drop_last"
            )
        self.dataset = _as_dataset(dataset, "DataLoader")
        rng = pick_rng("DataLoader", seed, generator) if seed is not None else generator
        if sampler is None:
            sampler = (
                RandomSampler(self.dataset, generator=rng)
                if shuffle
                else SequentialSampler(self.dataset)
            )
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
            self.batch_size: int | None = int(batch_size)
        else:
            self.batch_size = None
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.prefetch_factor = 2 if prefetch_factor is None and num_workers else prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory = pin_memory  # pages are not pinned: there is no device to copy to
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self._workers: ThreadPoolExecutor | None = None

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _indices(self) -> Iterator[Any]:
        """What each batch is made from: an index array (batching) or one index."""
        if self.batch_sampler is None:
            return iter(self.sampler)
        if isinstance(self.batch_sampler, BatchSampler):
            return self.batch_sampler._arrays()
        return (np.asarray(b, dtype=np.intp) for b in self.batch_sampler)

    def _load(self, index: Any) -> Any:
        if self.batch_sampler is None:  # no batching: one sample
            sample = self.dataset[index]
            return default_convert(sample) if self.collate_fn is None else self.collate_fn(sample)
        if self.collate_fn is None:
            return _fetch(self.dataset, index)
        return self.collate_fn([self.dataset[int(i)] for i in index])

    def __iter__(self) -> Iterator[Any]:
        if self.num_workers == 0:
            return map(self._load, self._indices())
        return self._ahead(self._indices())

    def _ahead(self, indices: Iterator[Any]) -> Iterator[Any]:
        """Batches made by the worker threads, up to ``prefetch`` ahead, yielded in order.
        The indices are drawn here, in the caller's thread, so a seed fixes the order."""
        workers = self._workers or self._start_workers()
        if self.persistent_workers:
            self._workers = workers
        pending: deque[Future[Any]] = deque()
        depth = self.num_workers * (self.prefetch_factor or 2)
        try:
            for index in indices:
                pending.append(workers.submit(self._load, index))
                if len(pending) >= depth:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        finally:  # also when the loop over the loader stops early
            for future in pending:
                future.cancel()
            if not self.persistent_workers:
                workers.shutdown(wait=False)

    def _start_workers(self) -> ThreadPoolExecutor:
        ids = itertools.count()
        init = self.worker_init_fn
        return ThreadPoolExecutor(
            self.num_workers,
            thread_name_prefix="DataLoader",
            initializer=None if init is None else lambda: init(next(ids)),
        )

    def _result(self, future: Future[Any]) -> Any:
        try:
            return future.result(timeout=self.timeout or None)
        except FutureTimeout:
            raise RuntimeError(
                f"DataLoader timed out after {self.timeout} seconds waiting for a batch"
            ) from None

    def __del__(self) -> None:
        if getattr(self, "_workers", None) is not None:
            self._workers.shutdown(wait=False)  # type: ignore[union-attr]
