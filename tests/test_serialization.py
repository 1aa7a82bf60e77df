"""ag.save / ag.load: exact round trips, atomic writes, clear errors, no pickle."""

from __future__ import annotations

import io
import json
import os
import pickle
import tempfile
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_lite import Tensor
from autograd_lite.serialization import load, save


def assert_identical(got, expected, where="root"):
    """Same structure, same types, same dtypes, same values (NaN equal to NaN)."""
    if isinstance(expected, Tensor):
        expected = expected.data
    assert type(got) is type(expected), f"{where}: {type(got)} != {type(expected)}"
    if isinstance(expected, dict):
        assert list(got) == list(expected), f"{where}: keys or key order differ"
        for k in expected:
            assert type(next(g for g in got if g == k)) is type(k), f"{where}: key type of {k!r}"
            assert_identical(got[k], expected[k], f"{where}[{k!r}]")
    elif isinstance(expected, list | tuple):
        assert len(got) == len(expected), f"{where}: length"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_identical(g, e, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray | np.generic):
        assert got.dtype == expected.dtype and got.shape == expected.shape, where
        assert np.array_equal(got, expected, equal_nan=expected.dtype.kind in "fc"), where
        if isinstance(expected, np.ndarray):
            assert got.flags.writeable, f"{where}: loaded arrays should be writable"
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(got), where
    else:
        assert got == expected, where
        if isinstance(expected, float):  # -0.0 vs 0.0
            assert np.copysign(1, got) == np.copysign(1, expected), where


def roundtrip(obj, tmp_path, name="ckpt.npz"):
    path = tmp_path / name
    save(obj, path)
    return load(path)


def rich_state():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    return {
        "model": {
            "fc1.weight": np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4),
            "fc1.bias": Tensor(np.array([0.5, -0.25], dtype=np.float32)),
            "bn.num_batches_tracked": np.array(7, dtype=np.int64),
            "half": np.array([1.5, np.nan, -np.inf], dtype=np.float16),
            "big_endian": np.array([1.0, 2.0], dtype=">f4"),
            "view": base[::2, 1::3],  # non-contiguous
            "empty": np.zeros((0, 3), dtype=np.int8),
            "flags": np.array([True, False]),
            "u64": np.array([2**64 - 1], dtype=np.uint64),
            "complex": np.array([1 + 2j], dtype=np.complex128),
            "text": np.array(["a", "héllo"]),
        },
        "optim": {
            "state": {0: {"step": 3, "exp_avg": np.ones(2)}, 1: {}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1]}],
        },
        "epoch": 12,
        "huge": 2**70,
        "loss": 0.1 + 0.2,
        "floats": [float("nan"), float("inf"), -0.0],
        "np_scalars": (np.float32(1.5), np.int16(-3), np.bool_(True)),
        "ok": True,
        "name": "mlp ✓",
        "note": None,
        "nested": [[], (), {}, [[np.eye(2)]]],
    }


def test_roundtrip_is_exact(tmp_path):
    state = rich_state()
    assert_identical(roundtrip(state, tmp_path), state)


def test_tensor_comes_back_as_its_array(tmp_path):
    t = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    got = roundtrip({"w": t}, tmp_path)["w"]
    assert type(got) is np.ndarray and got.dtype == np.float32
    np.testing.assert_array_equal(got, t.data)


@pytest.mark.parametrize(
    "obj",
    [
        np.arange(3),
        [np.zeros(1), np.ones(1)],
        5,
        "just text",
        None,
        {"a/b": np.zeros(1), "a": {"b": np.ones(1)}},  # same flattened key "a/b"
        {1: np.zeros(1), "1": np.ones(1)},  # int and str key flatten alike
        {"file": np.zeros(1), "allow_pickle": np.ones(1), "__autograd_lite__": np.full(1, 2.0)},
        {"": {"": np.zeros(2)}, "a#1": np.ones(1), "a": [np.full(1, 3.0), np.full(1, 4.0)]},
        {"a": np.zeros(2), "a.npy": np.ones(2)},  # members "a.npy" and "a.npy.npy"
        {"a.npy": np.ones(2), "a": np.zeros(2)},
    ],
)
def test_roundtrip_edge_structures(obj, tmp_path):
    assert_identical(roundtrip(obj, tmp_path), obj)


def test_arrays_are_readable_by_plain_numpy(tmp_path):
    w = np.arange(6.0).reshape(2, 3)
    save({"model": {"fc.weight": w}, "step": 1}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["model/fc.weight"], w)


def test_path_is_used_as_given(tmp_path):
    save({"x": 1}, tmp_path / "model.ckpt")
    assert sorted(os.listdir(tmp_path)) == ["model.ckpt"]
    save({"x": 2}, str(tmp_path / "model.ckpt"))  # str paths too; overwrites
    assert load(str(tmp_path / "model.ckpt")) == {"x": 2}


def test_new_file_mode_follows_umask(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    save({"x": 1}, tmp_path / "c.npz")
    assert os.stat(tmp_path / "c.npz").st_mode & 0o777 == 0o666 & ~umask


array_leaves = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int32, np.uint8, np.bool_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
scalar_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
# NUL can't be in a key (zip entry names end at it); save refuses such keys.
dict_keys = st.text(st.characters(exclude_characters="\0"), max_size=4) | st.integers(-3, 3)
structures = st.recursive(
    array_leaves | scalar_leaves,
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(dict_keys, children, max_size=3)
    ),
    max_leaves=8,
)


@given(structures)
def test_roundtrip_property(obj):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.npz")
        save(obj, path)
        assert_identical(load(path), obj)


# -- refusing what needs pickle, before touching the file


@pytest.mark.parametrize(
    ("obj", "error", "words"),
    [
        (
            {"model": {"w": np.array([{}, 1], dtype=object)}},
            TypeError,
            ["['model']['w']", "object"],
        ),
        ({"opt": [1, object()]}, TypeError, ["['opt'][1]", "object"]),
        ({"s": {1, 2}}, TypeError, ["['s']", "set"]),
        ({"c": 1 + 2j}, TypeError, ["['c']", "complex"]),
        ({"m": {1.5: np.zeros(1)}}, TypeError, ["['m']", "float", "1.5"]),
        ({"m": {True: 1}}, TypeError, ["bool"]),
        ({"m": {"a\0b": np.zeros(1)}}, TypeError, ["['m']", "NUL", "'a\\x00b'"]),
        (lambda: 0, TypeError, ["top level", "function"]),
    ],
)
def test_unsupported_values_are_refused(obj, error, words, tmp_path):
    path = tmp_path / "c.npz"
    save({"old": 1}, path)
    with pytest.raises(error) as info:
        save(obj, path)
    for word in words:
        assert word in str(info.value)
    assert load(path) == {"old": 1}
    assert os.listdir(tmp_path) == ["c.npz"]


def test_self_containing_value_is_refused(tmp_path):
    loop: dict = {"a": []}
    loop["a"].append(loop)
    with pytest.raises(ValueError, match=r"\['a'\]\[0\].*contains itself"):
        save(loop, tmp_path / "c.npz")
    assert not os.listdir(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({"x": 1}, tmp_path / "nope" / "c.npz")


# -- atomicity


def _fail_midway(monkeypatch, exc):
    """Make the array writer emit some bytes of the second array, then raise ``exc``."""
    real = np.lib.format.write_array
    calls = []

    def flaky(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fp.write(b"\x93NUMPY partial")
            raise exc
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", flaky)


@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_while_writing_keeps_old_file(exc, tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    old = {"w": np.arange(3.0), "step": 1}
    save(old, path)
    _fail_midway(monkeypatch, exc)
    with pytest.raises(type(exc)):
        save({"w": np.zeros(5), "v": np.ones(5), "step": 2}, path)
    assert os.listdir(tmp_path) == ["c.npz"]  # no temp file left behind
    assert_identical(load(path), old)


def test_failure_at_rename_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    save({"step": 1}, path)

    def broken_replace(src, dst):
        assert os.path.dirname(src) == str(tmp_path)  # temp file sits beside the target
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="rename failed"):
        save({"step": 2}, path)
    assert os.listdir(tmp_path) == ["c.npz"]
    assert load(path) == {"step": 1}


def test_failure_without_old_file_leaves_nothing(tmp_path, monkeypatch):
    _fail_midway(monkeypatch, OSError("disk full"))
    with pytest.raises(OSError):
        save({"a": np.zeros(2), "b": np.zeros(2)}, tmp_path / "c.npz")
    assert not os.listdir(tmp_path)


def test_data_is_fsynced_before_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1]
    )
    save({"x": np.zeros(2)}, tmp_path / "c.npz")
    assert events[:2] == ["fsync", "replace"]


# -- reading damaged or foreign files


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.npz"
    save({"w": np.arange(6, dtype=np.float32).reshape(2, 3), "step": 4, "name": "x"}, path)
    return path


def _expect_load_error(path):
    with pytest.raises(ValueError) as info:
        load(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_every_truncation_is_a_clear_error(good_file, tmp_path):
    data = good_file.read_bytes()
    bad = tmp_path / "bad.npz"
    for cut in range(len(data)):
        bad.write_bytes(data[:cut])
        message = _expect_load_error(bad)
        assert "not a readable autograd_lite checkpoint" in message


def test_byte_corruption_is_detected_or_harmless(good_file, tmp_path):
    """A flipped byte anywhere raises ValueError or (zip metadata only) loads the same data."""
    data = good_file.read_bytes()
    expected = load(good_file)
    bad = tmp_path / "bad.npz"
    detected = 0
    for pos in range(len(data)):
        corrupted = bytearray(data)
        corrupted[pos] ^= 0x5A
        bad.write_bytes(bytes(corrupted))
        try:
            got = load(bad)
        except ValueError as exc:
            assert str(bad) in str(exc)
            detected += 1
        else:
            assert_identical(got, expected, f"byte {pos}")
    assert detected > len(data) // 2


_CORRUPTION_BASE = {"w": np.arange(6, dtype=np.float32), "l": [np.zeros(2), (1, "a")]}


@given(
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=5),
    keep=st.floats(0.5, 1),
)
def test_random_damage_is_detected_or_harmless(edits, keep):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.npz")
        save(_CORRUPTION_BASE, path)
        data = bytearray(open(path, "rb").read())
        for where, byte in edits:
            data[int(where * len(data))] = byte
        with open(path, "wb") as f:
            f.write(data[: int(keep * len(data))])
        try:
            got = load(path)
        except ValueError as exc:
            assert path in str(exc)
        else:
            assert_identical(got, _CORRUPTION_BASE)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a checkpoint at all", b"PK\x03\x04" + b"\0" * 40],
    ids=["empty", "text", "zip-magic"],
)
def test_garbage_files(content, tmp_path):
    path = tmp_path / "c.npz"
    path.write_bytes(content)
    _expect_load_error(path)


def test_plain_npz_and_npy_are_not_checkpoints(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.zeros(2))
    assert "numpy.load" in _expect_load_error(tmp_path / "plain.npz")
    np.save(tmp_path / "a.npy", np.zeros(2))
    assert ".npy" in _expect_load_error(tmp_path / "a.npy")


def _npz_with(path, **arrays):
    with zipfile.ZipFile(path, "w") as zf:
        for key, array in arrays.items():
            with zf.open(key + ".npy", "w") as f:
                np.lib.format.write_array(f, array, allow_pickle=True)


def _header(root, **extra):
    meta = {"format": "autograd_lite.checkpoint", "version": 1, "root": root, **extra}
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


@pytest.mark.parametrize(
    ("meta", "words"),
    [
        (np.frombuffer(b"{not json", np.uint8), ["Expecting"]),
        (np.zeros(3, np.float32), ["float32"]),
        (_header({"dict": []}, version=99), ["version 99"]),
        (np.frombuffer(b'{"format": "other"}', np.uint8), ["header"]),
        (_header({"array": "missing"}), ["missing"]),
        (_header({"weird": 1}), ["malformed"]),
        (_header({"dict": [[1.5, 2]]}), ["malformed"]),
        (np.frombuffer(b"[" * 100_000 + b"]" * 100_000, np.uint8), []),
    ],
    ids=[
        "bad-json",
        "bad-dtype",
        "version",
        "format",
        "missing-array",
        "bad-node",
        "bad-key",
        "deep",
    ],
)
def test_damaged_headers(meta, words, tmp_path):
    path = tmp_path / "c.npz"
    _npz_with(path, __autograd_lite__=meta)
    message = _expect_load_error(path)
    for word in words:
        assert word in message


class _Trap:
    """Unpickling this would call _spring: the test checks that it never happens."""

    sprung: list[str] = []

    def __reduce__(self):
        return (_spring, ("pickle was executed",))


def _spring(message):
    _Trap.sprung.append(message)
    return message


def test_pickled_object_array_is_refused_without_running_it(tmp_path):
    path = tmp_path / "evil.npz"
    _npz_with(
        path,
        __autograd_lite__=_header({"dict": [["w", {"array": "w"}]]}),
        w=np.array([_Trap(), 1], dtype=object),
    )
    assert "pickle" in _expect_load_error(path)
    assert _Trap.sprung == []


def test_pickle_file_is_refused_without_running_it(tmp_path):
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"w": _Trap()}))
    _expect_load_error(path)
    assert _Trap.sprung == []
    # the trap really is armed: plain pickle would have run it
    pickle.load(io.BytesIO(path.read_bytes()))
    assert _Trap.sprung == ["pickle was executed"]
    _Trap.sprung.clear()


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.npz")


# -- what a file that is not a checkpoint is, said without numpy's allow_pickle advice


def test_pickle_file_is_named_as_such_and_never_loaded(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"w": np.zeros(2)}))
    message = _expect_load_error(path)
    assert "Python pickle" in message and "never unpickles" in message
    assert "allow_pickle" not in message  # a keyword ag.load does not accept


def test_object_array_message_does_not_advise_allow_pickle(tmp_path):
    path = tmp_path / "c.npz"
    _npz_with(
        path,
        __autograd_lite__=_header({"dict": [["w", {"array": "w"}]]}),
        w=np.array([{"a": 1}], dtype=object),
    )
    message = _expect_load_error(path)
    assert "object array" in message and "never unpickles" in message
    assert "allow_pickle" not in message


def test_text_file_is_not_called_a_pickle(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    message = _expect_load_error(path)
    assert "not an .npz archive" in message and "b'hello'" in message
    assert "pickle" not in message


def test_pytorch_checkpoint_is_recognised(tmp_path):
    # torch.save's format: a zip whose data.pkl holds the (pickled) structure
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("model/data.pkl", pickle.dumps({"w": 1}))
        zf.writestr("model/version", "3\n")
    message = _expect_load_error(path)
    assert "PyTorch checkpoint" in message and "torch.load" in message
    assert "truncated" not in message
