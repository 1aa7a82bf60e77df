"""MNIST-style IDX files read from a local folder (no downloads)."""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = ["MNIST_URLS", "mnist", "read_idx"]

# IDX type code -> big-endian numpy dtype (http://yann.lecun.com/exdb/mnist/, bottom).
_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

MNIST_URLS = (
    "http://yann.lecun.com/exdb/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
_MNIST_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (gzip'd or not) into an array of native byte order.

    Parameters
    ----------
    path : str or path-like
        The file; gzip compression is recognised by its magic bytes, not the name.

    Returns
    -------
    ndarray
        Shape and dtype as declared in the file's header.

    Raises
    ------
    ValueError
        If the magic number is wrong or the data is shorter or longer than declared.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "tiny-idx1-ubyte")
    >>> _ = open(p, "wb").write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p).tolist()
    [7, 8, 9]
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"read_idx: {str(path)!r} is a damaged gzip file: {exc}") from exc
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"read_idx: {str(path)!r} is not an IDX file: magic bytes {raw[:4].hex()!r}, "
            f"expected 0000 then a type code in {sorted(_IDX_DTYPES)} and the number of dims"
        )
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {str(path)!r} is truncated inside its header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + dtype.itemsize * math.prod(shape)  # Python ints: no int64 overflow
    if len(raw) != expected:
        raise ValueError(
            f"read_idx: {str(path)!r} holds {len(raw)} bytes, but its header declares shape "
            f"{shape} of {dtype.name}, which needs {expected}: the file is truncated or damaged"
        )
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _find(root: Path, name: str) -> Path | None:
    for candidate in (root / name, root / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def mnist(root: str | os.PathLike[str], train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST (or Fashion-MNIST, same file names) from IDX files in ``root``.

    Nothing is downloaded. ``root`` must contain, for the training set,
    ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte``, and for the test set
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each optionally gzip'd
    with a ``.gz`` suffix, as published at ``MNIST_URLS``.

    Parameters
    ----------
    root : str or path-like
        Folder holding the files.
    train : bool
        The 60,000 training images if True, else the 10,000 test images.

    Returns
    -------
    images : ndarray of uint8, shape (N, 28, 28), values 0..255
        Scale before training, e.g. ``images.reshape(N, -1) / 255.0``.
    labels : ndarray of int64, shape (N,), values 0..9

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message lists what is expected and where to get it.
    ValueError
        If a file is damaged or does not hold MNIST images/labels.

    Examples
    --------
    >>> mnist("/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: mnist: missing train-images-idx3-ubyte[.gz], ...
    """
    root = Path(root)
    names = _MNIST_FILES[bool(train)]
    found = [_find(root, name) for name in names]
    missing = [name for name, path in zip(names, found) if path is None]
    if missing:
        raise FileNotFoundError(
            f"mnist: missing {', '.join(n + '[.gz]' for n in missing)} in {str(root)!r}. "
            f"Expected the IDX files {', '.join(names)} (optionally gzip'd, '.gz'). "
            f"Download them from {' or '.join(MNIST_URLS)} into that folder."
        )
    image_path, label_path = found
    assert image_path is not None and label_path is not None
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ValueError(
            f"mnist: {str(image_path)!r} holds {images.dtype} of shape {images.shape}, "
            "expected uint8 images of shape (N, rows, cols)"
        )
    if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
        raise ValueError(
            f"mnist: {str(label_path)!r} holds {labels.dtype} of shape {labels.shape}, "
            f"expected uint8 labels of shape {images.shape[:1]} to match the images"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"mnist: {str(label_path)!r} holds label {labels.max()}, expected 0..9")
    return images, labels.astype(np.int64)
