"""autograd_lite.data: datasets, IDX/MNIST reading, DataLoader, TensorDataset, random_split."""

from __future__ import annotations

import collections
import gzip
import hashlib
import time
from importlib import resources

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import data

# -- toy data sets


def test_spiral_shapes_and_labels():
    X, y = data.spiral(n_per_class=40, n_classes=4, seed=0)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.shape == (160,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, np.repeat(np.arange(4), 40))


def test_spiral_without_noise_follows_the_arms():
    n = 50
    X, _ = data.spiral(n_per_class=n, n_classes=3, noise=0.0, seed=0)
    for j in range(3):
        arm = X[j * n : (j + 1) * n]
        np.testing.assert_allclose(np.hypot(arm[:, 0], arm[:, 1]), np.linspace(0, 1, n), atol=1e-12)
        # x = r sin t, y = r cos t (the CS231n convention); skip r = 0 where t is undefined
        t = np.arctan2(arm[1:, 0], arm[1:, 1])
        expected = np.linspace(4 * j, 4 * (j + 1), n)[1:]
        np.testing.assert_allclose(np.angle(np.exp(1j * (t - expected))), 0, atol=1e-9)


def test_spiral_noise_is_the_seeded_normal_draws_class_by_class():
    n, k, noise = 30, 3, 0.2
    X, _ = data.spiral(n_per_class=n, n_classes=k, noise=noise, seed=123)
    draws = np.random.default_rng(123).standard_normal(n * k).reshape(k, n) * noise
    for j in range(k):
        arm = X[j * n : (j + 1) * n]
        t = np.arctan2(arm[1:, 0], arm[1:, 1])
        residual = np.angle(np.exp(1j * (t - np.linspace(4 * j, 4 * (j + 1), n)[1:])))
        np.testing.assert_allclose(residual, draws[j, 1:], atol=1e-9)


def test_seeded_datasets_are_reproducible():
    for make in (data.spiral, data.five_clusters):
        a, b, c = make(seed=7), make(seed=7), make(seed=8)
        np.testing.assert_array_equal(a[0], b[0])
        assert not np.array_equal(a[0], c[0])
    gen = np.random.default_rng(3)
    assert not np.array_equal(data.spiral(seed=gen)[0], data.spiral(seed=gen)[0])


def test_five_clusters_overlap_a_little():
    X, y = data.five_clusters(n_per_class=2000, seed=0)
    assert X.shape == (10000, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [2000] * 5
    centers = data.FIVE_CLUSTER_CENTERS
    for k in range(5):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), [0.6, 0.6], rtol=0.05)
    # the best possible classifier (nearest centre) is good but not perfect
    nearest = np.argmin(((X[:, None, :] - centers) ** 2).sum(-1), axis=1)
    accuracy = (nearest == y).mean()
    assert 0.9 < accuracy < 0.99


def test_xor():
    X, y = data.xor()
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert X.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))
    assert {tuple(r) for r in X.tolist()} == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: data.spiral(n_per_class=0), ValueError, ["spiral", "n_per_class", "0"]),
        (lambda: data.spiral(n_classes=2.5), TypeError, ["spiral", "n_classes", "float 2.5"]),
        (lambda: data.spiral(n_classes=True), TypeError, ["spiral", "n_classes", "bool"]),
        (lambda: data.spiral(noise=-1.0), ValueError, ["spiral", "noise", "-1.0"]),
        (lambda: data.five_clusters(n_per_class=-3), ValueError, ["five_clusters", "n_per"]),
        (lambda: data.five_clusters(std=float("nan")), ValueError, ["five_clusters", "std"]),
    ],
)
def test_dataset_argument_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


# -- shipped tables


def test_iris_matches_the_published_summary():
    X, y = data.iris()
    assert X.shape == (150, 4) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    # Ranges from the data set's description; means as R prints colMeans(iris[1:4]) (6 digits)
    np.testing.assert_allclose(X.min(0), [4.3, 2.0, 1.0, 0.1])
    np.testing.assert_allclose(X.max(0), [7.9, 4.4, 6.9, 2.5])
    np.testing.assert_allclose(X.mean(0), [5.843333, 3.057333, 3.758000, 1.199333], atol=5e-7)
    assert len(data.IRIS_FEATURE_NAMES) == 4 and data.IRIS_CLASS_NAMES[2] == "virginica"


def test_digits_matches_the_published_facts():
    X, y = data.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, np.round(X))
    assert X.min() == 0 and X.max() == 16
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_hamlet_is_the_whole_play_unmodified():
    text = data.hamlet()
    assert len(text) == 173_942 and text.isascii() and len(set(text)) == 65
    blob = resources.files("autograd_lite.data").joinpath("hamlet.txt.gz").read_bytes()
    upstream = "bbe5635616c6e0e0bcf01b7b8c324be8b42451c51848f11c283bd2f4442b1e0a"
    assert hashlib.sha256(gzip.decompress(blob)).hexdigest() == upstream
    lines = text.splitlines()
    assert lines[0] == "HAMLET, PRINCE OF DENMARK" and len(lines) == 6769
    assert lines[-1] == "ordnance is shot off.]"  # the last stage direction, no footer
    assert "To be, or not to be,--that is the question:" in text  # this edition's punctuation
    assert "Gutenberg" not in text and "\r" not in text


def test_tables_are_fresh_copies():
    for load in (data.iris, data.digits):
        X, y = load()
        X[:] = -1
        y[:] = -1
        X2, y2 = load()
        assert X2.min() >= 0 and y2.min() == 0


@pytest.mark.parametrize(
    ("name", "sha256"),
    [
        ("iris.csv", "f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449"),
        ("digits.csv.gz", "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"),
        ("hamlet.txt.gz", "208cdc0d722ad8e64376bd6c9843e20964ca56c62aa32b19e058bfcc93888dcd"),
    ],
)
def test_package_data_checksums(name, sha256):
    """The shipped files are the ones listed in data/README.md (the tables unmodified upstream
    copies, hamlet.txt.gz the gzip'd upstream text)."""
    blob = resources.files("autograd_lite.data").joinpath(name).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == sha256


# -- IDX / MNIST


def write_idx(path, array, type_code=0x08, compress=False):
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    body = bytes([0, 0, type_code, array.ndim])
    body += np.array(array.shape, ">u4").tobytes() + array.astype(dtype[type_code]).tobytes()
    path.write_bytes(gzip.compress(body) if compress else body)
    return path


@pytest.mark.parametrize(
    ("type_code", "dtype"),
    [
        (0x08, np.uint8),
        (0x09, np.int8),
        (0x0B, np.int16),
        (0x0C, np.int32),
        (0x0D, np.float32),
        (0x0E, np.float64),
    ],  # fmt: skip
)
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_dtypes(type_code, dtype, compress, tmp_path):
    expected = (np.arange(24).reshape(2, 3, 4) * 3 - 20).astype(dtype)
    if dtype == np.uint8:
        expected = np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 10
    path = write_idx(tmp_path / "a-idx3", expected, type_code, compress)
    got = data.read_idx(path)
    assert got.dtype == dtype and got.dtype.isnative and got.flags.writeable
    np.testing.assert_array_equal(got, expected)


@pytest.fixture
def mnist_dir(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28)).astype(np.uint8)
    labels = np.array([3, 0, 9, 1, 3], dtype=np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels, compress=True)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images[:2], compress=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:2])
    return tmp_path, images, labels


def test_mnist_reads_plain_and_gzipped_files(mnist_dir):
    root, images, labels = mnist_dir
    X, y = data.mnist(root)
    assert X.dtype == np.uint8 and y.dtype == np.int64
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)
    X_test, y_test = data.mnist(str(root), train=False)
    np.testing.assert_array_equal(X_test, images[:2])
    np.testing.assert_array_equal(y_test, labels[:2])


def test_mnist_missing_files_say_what_and_where(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((1, 28, 28), np.uint8))
    with pytest.raises(FileNotFoundError) as info:
        data.mnist(tmp_path, train=False)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte[.gz]" in message and str(tmp_path) in message
    assert "t10k-images" not in message.split("Expected")[0]  # only the missing one first
    assert any(url in message for url in data.MNIST_URLS)


def test_mnist_rejects_damaged_or_wrong_files(mnist_dir):
    root, images, labels = mnist_dir
    target = root / "train-images-idx3-ubyte"
    good = target.read_bytes()

    target.write_bytes(good[:-7])  # truncated
    with pytest.raises(ValueError, match="truncated"):
        data.mnist(root)
    target.write_bytes(b"\x00\x00\x42\x03" + good[4:])  # unknown type code
    with pytest.raises(ValueError, match="not an IDX file"):
        data.mnist(root)
    target.write_bytes(b"\x00\x00")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.mnist(root)
    target.write_bytes(b"\x00\x00\x08\x03\x00")
    with pytest.raises(ValueError, match="header"):
        data.mnist(root)
    # 2**31 * 2**31 * 4 elements wrap to 0 in int64: still the size error, not numpy's.
    target.write_bytes(b"\x00\x00\x08\x03" + np.array([2**31, 2**31, 4], ">u4").tobytes())
    with pytest.raises(ValueError, match=r"shape \(2147483648, 2147483648, 4\).*truncated"):
        data.mnist(root)
    target.write_bytes(gzip.compress(good)[:-10])
    with pytest.raises(ValueError, match="damaged gzip"):
        data.mnist(root)
    write_idx(target, images.reshape(5, -1))  # 2-D
    with pytest.raises(ValueError, match=r"shape \(5, 784\).*expected uint8 images"):
        data.mnist(root)
    write_idx(target, images[:4])  # one image short
    with pytest.raises(ValueError, match=r"labels of shape \(4,\)"):
        data.mnist(root)
    write_idx(target, images)
    write_idx(root / "train-labels-idx1-ubyte.gz", labels + 7, compress=True)
    with pytest.raises(ValueError, match="label 16"):
        data.mnist(root)


# -- TensorDataset, Subset, random_split


def test_tensor_dataset_indexing():
    X = np.arange(12.0).reshape(6, 2)
    y = ag.tensor(np.arange(6))
    ds = data.TensorDataset(X, y)
    assert len(ds) == 6
    x1, y1 = ds[4]
    np.testing.assert_array_equal(x1, X[4])
    assert y1 == 4
    xb, yb = ds[np.array([5, 0, 5])]
    np.testing.assert_array_equal(xb, X[[5, 0, 5]])
    np.testing.assert_array_equal(yb, [5, 0, 5])


@pytest.mark.parametrize(
    ("arrays", "words"),
    [
        ((np.zeros((3, 2)), np.zeros(4)), ["TensorDataset", "(3, 2)", "(4,)"]),
        ((np.zeros(3), np.float64(1.0)), ["TensorDataset", "()"]),
        ((), ["TensorDataset", "at least one"]),
    ],
)
def test_tensor_dataset_errors(arrays, words):
    with pytest.raises(ValueError) as info:
        data.TensorDataset(*arrays)
    for word in words:
        assert word in str(info.value)


def test_subset():
    ds = data.Subset(data.TensorDataset(np.arange(10) * 10), [7, 2, 5])
    assert len(ds) == 3
    assert ds[1][0] == 20
    np.testing.assert_array_equal(ds.__getitems__(np.array([2, 0]))[0], [50, 70])


def test_random_split_is_a_seeded_partition():
    ds = data.TensorDataset(np.arange(10))
    parts = data.random_split(ds, [5, 3, 2], seed=0)
    assert [len(p) for p in parts] == [5, 3, 2]
    seen = np.concatenate([p.__getitems__(np.arange(len(p)))[0] for p in parts])
    assert sorted(seen.tolist()) == list(range(10))
    again = data.random_split(ds, [5, 3, 2], seed=0)
    assert all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, again))
    other = data.random_split(ds, [5, 3, 2], seed=1)
    assert not all(np.array_equal(a.indices, b.indices) for a, b in zip(parts, other))


@pytest.mark.parametrize(
    ("n", "fractions", "sizes"),
    [
        (10, [0.8, 0.2], [8, 2]),
        (10, [0.33, 0.33, 0.34], [4, 3, 3]),  # floors 3,3,3; remainder to the first
        (7, [0.5, 0.5], [4, 3]),
        (2, [0.1, 0.1, 0.8], [1, 0, 1]),
    ],
)
def test_random_split_fractions_as_pytorch(n, fractions, sizes):
    parts = data.random_split((np.arange(n),), fractions, seed=0)
    assert [len(p) for p in parts] == sizes


@pytest.mark.parametrize(
    "lengths", [[5, 4], [6, 5], [-1, 11], [0.5, 0.6], [-0.5, 1.5], [2.5, 7], []]
)
def test_random_split_errors(lengths):
    with pytest.raises(ValueError, match="random_split"):
        data.random_split((np.arange(10),), lengths)


# -- DataLoader


def test_loader_batches_in_order_without_shuffle():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    loader = data.DataLoader((X, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    for xb, yb in batches:
        assert isinstance(xb, ag.Tensor) and isinstance(yb, ag.Tensor)
        assert not xb.requires_grad and not yb.requires_grad
        assert xb.dtype == np.float64 and yb.dtype == y.dtype
    assert [b[1].shape for b in batches] == [(4,), (4,), (2,)]
    np.testing.assert_array_equal(np.concatenate([b[0].data for b in batches]), X)


@pytest.mark.parametrize(
    ("n", "batch_size", "drop_last", "expected"),
    [
        (10, 4, False, 3),
        (10, 4, True, 2),
        (8, 4, True, 2),
        (3, 5, False, 1),
        (3, 5, True, 0),
        (0, 2, False, 0),
    ],  # fmt: skip
)
def test_loader_len(n, batch_size, drop_last, expected):
    loader = data.DataLoader((np.zeros((n, 1)),), batch_size=batch_size, drop_last=drop_last)
    assert len(loader) == expected == len(list(loader))
    if drop_last:
        assert all(b[0].shape[0] == batch_size for b in loader)


def test_shuffle_visits_each_sample_once_per_epoch_in_new_orders():
    y = np.arange(50)
    loader = data.DataLoader((y,), batch_size=8, shuffle=True, seed=0)
    epochs = [np.concatenate([b[0].data for b in loader]) for _ in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == y.tolist()
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[1], epochs[2])
    assert not np.array_equal(epochs[0], y)
    # same seed, same sequence of epochs
    again = data.DataLoader((y,), batch_size=8, shuffle=True, seed=0)
    for order in epochs:
        np.testing.assert_array_equal(np.concatenate([b[0].data for b in again]), order)


def test_shuffle_keeps_pairs_together():
    X = np.arange(30).reshape(15, 2)
    for xb, yb in data.DataLoader((X, X[:, 0] * 7), batch_size=4, shuffle=True, seed=1):
        np.testing.assert_array_equal(xb.data[:, 0] * 7, yb.data)


def test_loader_accepts_tensors_arrays_and_datasets():
    X = np.arange(6.0).reshape(3, 2)
    t = ag.tensor(X, requires_grad=True)
    (xb,) = next(iter(data.DataLoader((t,), batch_size=3)))
    assert not xb.requires_grad and xb.op is None
    np.testing.assert_array_equal(xb.data, X)
    (xb,) = next(iter(data.DataLoader(X, batch_size=2)))
    np.testing.assert_array_equal(xb.data, X[:2])
    sub = data.random_split((X,), [2, 1], seed=0)[0]
    assert sum(len(b[0]) for b in data.DataLoader(sub, batch_size=1)) == 2
    # a list is a list of samples (as in PyTorch), not of columns
    samples = [(np.array([1.0, 2.0]), 0), (np.array([3.0, 4.0]), 1), (np.array([5.0, 6.0]), 0)]
    xb, yb = next(iter(data.DataLoader(samples, batch_size=3)))
    np.testing.assert_array_equal(xb.data, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(yb.data, [0, 1, 0])


class CountingDataset(data.TensorDataset):
    def __init__(self, *arrays):
        super().__init__(*arrays)
        self.calls = []

    def __getitem__(self, index):
        self.calls.append(index)
        return super().__getitem__(index)

    __getitems__ = __getitem__


def test_loader_fetches_one_index_array_per_batch():
    ds = CountingDataset(np.arange(10.0), np.arange(10))
    list(data.DataLoader(ds, batch_size=4, shuffle=True, seed=0))
    assert len(ds.calls) == 3
    assert all(isinstance(i, np.ndarray) for i in ds.calls)


class IntOnly(data.Dataset):
    """A dataset that only understands int indices (no __getitems__)."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        if not isinstance(i, int):
            raise TypeError("int indices only")
        return np.full(3, float(i)), i % 2


def test_int_only_dataset_is_stacked_per_sample():
    batches = list(data.DataLoader(IntOnly(), batch_size=2))
    xb, yb = batches[0]
    np.testing.assert_array_equal(xb.data, [[0.0] * 3, [1.0] * 3])
    np.testing.assert_array_equal(yb.data, [0, 1])
    assert [b[0].shape for b in batches] == [(2, 3), (2, 3), (1, 3)]
    sub = data.Subset(IntOnly(), [4, 0])
    (xb, yb), *_ = data.DataLoader(sub, batch_size=2)
    np.testing.assert_array_equal(yb.data, [0, 0])
    np.testing.assert_array_equal(xb.data[:, 0], [4.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"batch_size": 0}, ValueError, ["DataLoader", "batch_size", "0"]),
        ({"batch_size": -2}, ValueError, ["batch_size", "-2"]),
        ({"batch_size": 2.0}, TypeError, ["batch_size", "2.0"]),
        ({"batch_size": True}, TypeError, ["batch_size", "True"]),
    ],
)
def test_loader_argument_errors(kwargs, error, words):
    with pytest.raises(error) as info:
        data.DataLoader((np.zeros(4),), **kwargs)
    for word in words:
        assert word in str(info.value)


def test_loader_rejects_mismatched_arrays_and_non_datasets():
    with pytest.raises(ValueError, match=r"\(5,\).*\(4,\)"):
        data.DataLoader((np.zeros(5), np.zeros(4)), batch_size=2)
    with pytest.raises(TypeError, match="DataLoader.*int"):
        data.DataLoader(42)


# -- DataLoader with PyTorch's arguments


def test_loader_accepts_pytorch_keywords_and_habits():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    loader = data.DataLoader(
        data.TensorDataset(X, y),
        batch_size=4,
        shuffle=False,
        num_workers=0,
        pin_memory=True,  # nothing to pin on the CPU: accepted, no effect
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        generator=None,
        persistent_workers=False,
    )
    assert [yb.tolist() for _, yb in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


@pytest.mark.parametrize("persistent", [False, True])
def test_worker_threads_give_the_same_batches_in_order(persistent):
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    started = []
    for shuffle in (False, True):
        ag.manual_seed(4)
        plain = [yb.tolist() for _, yb in data.DataLoader((X, y), batch_size=3, shuffle=shuffle)]
        ag.manual_seed(4)
        threaded = data.DataLoader(
            (X, y),
            batch_size=3,
            shuffle=shuffle,
            num_workers=2,
            prefetch_factor=1,
            persistent_workers=persistent,
            worker_init_fn=started.append,
        )
        assert [yb.tolist() for _, yb in threaded] == plain
        assert len(threaded) == len(plain) == 7
    assert set(started) <= {0, 1} and started


def test_worker_threads_stop_early_and_time_out():
    class Slow(data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            time.sleep(0.2)
            return np.float64(i)

    first = next(iter(data.DataLoader(Slow(), batch_size=1, num_workers=2)))
    assert first.tolist() == [0.0]
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.01 seconds"):
        list(data.DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.01))


def test_collate_fn_gets_the_list_of_samples():
    X, y = np.arange(6.0).reshape(3, 2), np.array([0, 1, 0])
    seen = []

    def collate(samples):
        seen.append(samples)
        return len(samples)

    assert list(data.DataLoader((X, y), batch_size=2, collate_fn=collate)) == [2, 1]
    (x0, y0), _ = seen[0]
    np.testing.assert_array_equal(x0, [0.0, 1.0])
    assert y0 == 0


def test_default_collate_recurses_like_pytorch():
    Point = collections.namedtuple("Point", "x y")
    batch = data.default_collate(
        [
            {"img": np.ones((2, 2)), "meta": (1, 2.5), "name": "a", "p": Point(1.0, 2)},
            {"img": np.zeros((2, 2)), "meta": (3, 4.5), "name": "b", "p": Point(3.0, 4)},
        ]
    )
    assert batch["img"].shape == (2, 2, 2)
    assert batch["meta"][0].dtype == np.int64 and batch["meta"][1].dtype == np.float64
    assert batch["name"] == ["a", "b"]
    assert isinstance(batch["p"], Point) and batch["p"].y.tolist() == [2, 4]
    with pytest.raises(TypeError, match="default_collate: batch must contain.*object"):
        data.default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="equal size"):
        data.default_collate([(1, 2), (3,)])
    loader = data.DataLoader([{"x": np.ones(2), "y": 1}] * 3, batch_size=2)
    assert [b["x"].shape for b in loader] == [(2, 2), (1, 2)]


def test_batch_size_none_yields_samples_as_tensors():
    X = np.arange(6.0).reshape(3, 2)
    samples = list(data.DataLoader((X,), batch_size=None))
    assert len(samples) == 3 and isinstance(samples[0][0], ag.Tensor)
    np.testing.assert_array_equal(samples[2][0].data, [4.0, 5.0])


def test_samplers_and_batch_samplers_choose_the_order():
    X = np.arange(10)
    loader = data.DataLoader((X,), batch_size=4, sampler=[9, 8, 7, 1, 0])
    assert [b[0].tolist() for b in loader] == [[9, 8, 7, 1], [0]] and len(loader) == 2
    loader = data.DataLoader((X,), batch_sampler=[[1, 2], [5]])
    assert [b[0].tolist() for b in loader] == [[1, 2], [5]]
    sampler = data.RandomSampler(range(5), generator=ag.Generator().manual_seed(0))
    assert sorted(sampler) == [0, 1, 2, 3, 4] and len(sampler) == 5
    with_replacement = data.RandomSampler(range(3), replacement=True, num_samples=50)
    assert len(list(with_replacement)) == 50 and set(with_replacement) <= {0, 1, 2}
    assert len(list(data.RandomSampler(range(3), num_samples=7))) == 7
    assert sorted(data.SubsetRandomSampler([4, 6, 8])) == [4, 6, 8]
    batches = data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=True)
    assert list(batches) == [[0, 1, 2], [3, 4, 5]] and len(batches) == 2
    assert list(data.BatchSampler(iter(range(3)), 2, drop_last=False)) == [[0, 1], [2]]


def test_generator_makes_shuffling_reproducible():
    X = np.arange(12)

    def epochs(gen):
        loader = data.DataLoader((X,), batch_size=12, shuffle=True, generator=gen)
        return [next(iter(loader))[0].tolist() for _ in range(2)]

    a = epochs(ag.Generator().manual_seed(3))
    assert a == epochs(ag.Generator().manual_seed(3)) and a[0] != a[1]
    parts = data.random_split((X,), [6, 6], generator=ag.Generator().manual_seed(3))
    again = data.random_split((X,), [6, 6], ag.Generator().manual_seed(3))
    assert parts[0].indices.tolist() == again[0].indices.tolist()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"num_workers": -1}, ["num_workers", "-1"]),
        ({"prefetch_factor": 2}, ["prefetch_factor", "num_workers > 0"]),
        ({"persistent_workers": True}, ["persistent_workers", "num_workers > 0"]),
        ({"sampler": [0], "shuffle": True}, ["sampler", "shuffle"]),
        ({"batch_sampler": [[0]], "batch_size": 2}, ["batch_sampler", "mutually exclusive"]),
        ({"batch_size": None, "drop_last": True}, ["batch_size=None", "drop_last"]),
        ({"timeout": -1}, ["timeout", "non-negative"]),
    ],
)
def test_loader_refuses_conflicting_options_as_pytorch(kwargs, words):
    with pytest.raises(ValueError) as info:
        data.DataLoader((np.zeros(4),), **kwargs)
    for word in words:
        assert word in str(info.value)
