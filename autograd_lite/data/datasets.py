"""Small classic data sets as functions returning numpy arrays, all offline.

``iris()``, ``digits()`` and ``hamlet()`` read files shipped inside the package. Iris --
R. A. Fisher (1936) -- and Optical Recognition of Handwritten Digits -- E. Alpaydin and
C. Kaynak (1998) -- come from the UCI Machine Learning Repository (CC BY 4.0) by way of
scikit-learn (BSD-3-Clause); Hamlet (public domain) is Project Gutenberg's text as the Open
Shakespeare package ships it. See ``autograd_lite/data/README.md`` for sources and checksums.
"""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

from .._args import check_count
from ..creation import RNGLike, as_rng

__all__ = [
    "FIVE_CLUSTER_CENTERS",
    "IRIS_CLASS_NAMES",
    "IRIS_FEATURE_NAMES",
    "digits",
    "five_clusters",
    "hamlet",
    "iris",
    "spiral",
    "xor",
]

IRIS_FEATURE_NAMES = (
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
)
IRIS_CLASS_NAMES = ("setosa", "versicolor", "virginica")


def spiral(
    n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, seed: RNGLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spirals, one arm per class: the CS231n toy data set.

    Class ``j`` has radii ``linspace(0, 1, n_per_class)`` and angles
    ``linspace(4j, 4(j+1), n_per_class)`` plus Gaussian noise of standard deviation
    ``noise`` (radians). Not linearly separable: a good first test for an MLP.

    Parameters
    ----------
    n_per_class, n_classes : int
        Points per arm and number of arms.
    noise : float
        Standard deviation of the angle noise.
    seed : int, numpy Generator or None
        Source of the noise; the same seed gives the same points. None: the global
        generator that ``ag.manual_seed`` seeds.

    Returns
    -------
    X : ndarray of float64, shape (n_classes * n_per_class, 2)
    y : ndarray of int64, shape (n_classes * n_per_class,), class ``j`` in rows
        ``j * n_per_class`` to ``(j + 1) * n_per_class - 1``.

    Examples
    --------
    >>> X, y = spiral(n_per_class=50, seed=0)
    >>> X.shape, y.shape, y.dtype.name
    ((150, 2), (150,), 'int64')
    """
    check_count("spiral", "n_per_class", n_per_class, 1)
    check_count("spiral", "n_classes", n_classes, 1)
    if not noise >= 0:
        raise ValueError(f"spiral: noise must be >= 0, got {noise!r}")
    rng = as_rng(seed)
    n = n_per_class
    X = np.zeros((n * n_classes, 2))
    y = np.zeros(n * n_classes, dtype=np.int64)
    for j in range(n_classes):  # loop over arms, not points: kept as in CS231n
        ix = slice(n * j, n * (j + 1))
        r = np.linspace(0.0, 1, n)
        t = np.linspace(j * 4, (j + 1) * 4, n) + rng.standard_normal(n) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


# Regular pentagon of radius 2: neighbours 2.35 apart, about 4 std at the default std.
_ANGLES = 2 * np.pi * np.arange(5) / 5
FIVE_CLUSTER_CENTERS = 2.0 * np.c_[np.cos(_ANGLES), np.sin(_ANGLES)]
FIVE_CLUSTER_CENTERS.flags.writeable = False


def five_clusters(
    n_per_class: int = 100, std: float = 0.6, seed: RNGLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Five isotropic Gaussian blobs in 2-D, neighbours overlapping a little.

    The centres sit on a circle of radius 2 at angles ``2 pi k / 5``; with the default
    ``std`` about 5 % of the points lie nearer another class's centre, so a perfect
    score on held-out points means overfitting, not skill.

    Parameters
    ----------
    n_per_class : int
        Points per cluster.
    std : float
        Standard deviation of each coordinate around its centre.
    seed : int, numpy Generator or None
        Source of the noise; None: the global generator that ``ag.manual_seed`` seeds.

    Returns
    -------
    X : ndarray of float64, shape (5 * n_per_class, 2)
    y : ndarray of int64, shape (5 * n_per_class,), values 0..4 in blocks.

    Examples
    --------
    >>> X, y = five_clusters(n_per_class=20, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1, 2, 3, 4])
    """
    check_count("five_clusters", "n_per_class", n_per_class, 1)
    if not std >= 0:
        raise ValueError(f"five_clusters: std must be >= 0, got {std!r}")
    rng = as_rng(seed)
    y = np.repeat(np.arange(5, dtype=np.int64), n_per_class)
    X = FIVE_CLUSTER_CENTERS[y] + rng.standard_normal((len(y), 2)) * std
    return X, y


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points: the smallest problem a linear model cannot solve.

    Returns
    -------
    X : ndarray of float64, shape (4, 2), rows (0,0), (0,1), (1,0), (1,1)
    y : ndarray of float64, shape (4, 1), ``X[:, 0] xor X[:, 1]``

    Examples
    --------
    >>> X, y = xor()
    >>> y.ravel().tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return X, y


def iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris table: 150 flowers, 4 measurements, 3 species (50 each).

    Column names are ``IRIS_FEATURE_NAMES``; label ``k`` is ``IRIS_CLASS_NAMES[k]``.
    Rows are grouped by class, so shuffle before splitting.

    Returns
    -------
    X : ndarray of float64, shape (150, 4), in cm
    y : ndarray of int64, shape (150,), values 0, 1, 2

    Examples
    --------
    >>> X, y = iris()
    >>> X.shape, np.bincount(y).tolist()
    ((150, 4), [50, 50, 50])
    """
    with resources.files(__package__).joinpath("iris.csv").open("rb") as f:
        table = np.loadtxt(f, delimiter=",", skiprows=1)
    return table[:, :4].copy(), table[:, 4].astype(np.int64)


def digits() -> tuple[np.ndarray, np.ndarray]:
    """8x8 handwritten digits: 1,797 images of pixel counts 0..16 (UCI optdigits test set).

    The same data as scikit-learn's ``load_digits``. Each row of ``X`` is an image in
    row-major order: ``X.reshape(-1, 8, 8)`` gives the pictures.

    Returns
    -------
    X : ndarray of float64, shape (1797, 64), values 0..16
    y : ndarray of int64, shape (1797,), values 0..9

    Examples
    --------
    >>> X, y = digits()
    >>> X.shape, int(X.max()), np.bincount(y).tolist()[:3]
    ((1797, 64), 16, [178, 182, 177])
    """
    with resources.files(__package__).joinpath("digits.csv.gz").open("rb") as raw:
        with gzip.open(raw) as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return table[:, :64].astype(np.float64), table[:, 64].copy()


def hamlet() -> str:
    """Shakespeare's *Hamlet* as one string: 173,942 characters of plain ASCII, 65 distinct.

    Project Gutenberg's etext without its header and licence (Shakespeare is in the public
    domain), a small corpus for character-level language models: speaker names on their
    own lines (``Ham.``), verse, stage directions in brackets.

    Returns
    -------
    str
        The whole play, lines separated by ``"\\n"``.

    Examples
    --------
    >>> text = hamlet()
    >>> len(text), len(set(text)), text.splitlines()[0]
    (173942, 65, 'HAMLET, PRINCE OF DENMARK')
    """
    with resources.files(__package__).joinpath("hamlet.txt.gz").open("rb") as raw:
        return gzip.decompress(raw.read()).decode("ascii")
