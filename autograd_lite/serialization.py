"""Checkpoints without pickle: ``save``/``load`` of state dicts as one ``.npz`` file.

A checkpoint is an ordinary, uncompressed ``.npz`` (a zip of ``.npy`` files): one entry
per array, named by its key path joined with ``/`` (``"model/fc.weight"``), plus the
entry ``__autograd_lite__``: UTF-8 JSON (as a uint8 array) describing the nesting of
dicts, lists and tuples, and holding the Python scalars, strings and None inline.
Nothing is pickled on save and ``allow_pickle=False`` on load, so loading a file
never runs code from it; ``numpy.load`` can read the arrays of a checkpoint directly.
"""

from __future__ import annotations

import json
import os
import secrets
import zipfile
import zlib
from typing import Any

import numpy as np

from . import core

__all__ = ["load", "save"]

_META_KEY = "__autograd_lite__"
_FORMAT = "autograd_lite.checkpoint"
_VERSION = 1
# What numpy, zipfile and json raise on damaged input (found by fuzzing in the tests);
# zipfile raises RuntimeError/NotImplementedError for flags such as "encrypted".
_READ_ERRORS = (
    ValueError,
    KeyError,
    EOFError,
    OSError,
    RuntimeError,
    zipfile.BadZipFile,
    zlib.error,
)
_CONTAINERS = {"list": list, "tuple": tuple}  # dicts are decoded on their own


def _where(keypath: tuple[str | int, ...]) -> str:
    return "".join(f"[{k!r}]" for k in keypath) or "the top level"


def _encode(
    value: Any, keypath: tuple[str | int, ...], arrays: dict[str, np.ndarray], open_ids: set[int]
) -> Any:
    """The JSON node for ``value``; its arrays go into ``arrays`` under flattened keys."""
    value = core.value(value)  # a Tensor is stored as its array
    # Before the Python scalars: np.float64 is a float, and must come back as np.float64.
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise TypeError(
                f"save: the array at {_where(keypath)} has dtype {array.dtype}; object arrays "
                "need pickle, which checkpoints never use. Expected numeric, bool or string data"
            )
        base = "/".join(map(str, keypath)) or "root"
        key, n = base, 1
        while key in arrays or key == _META_KEY:  # '/' inside keys, or 1 vs '1', can collide
            key, n = f"{base}#{n}", n + 1
        arrays[key] = array
        return {"scalar" if isinstance(value, np.generic) else "array": key}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict | list | tuple):
        if id(value) in open_ids:
            raise ValueError(f"save: the value at {_where(keypath)} contains itself")
        open_ids.add(id(value))
        if isinstance(value, dict):
            for k in value:
                if not isinstance(k, str | int) or isinstance(k, bool):
                    raise TypeError(
                        f"save: dict keys must be str or int, got {type(k).__name__} {k!r} "
                        f"at {_where(keypath)}"
                    )
                if isinstance(k, str) and "\0" in k:  # zip entry names end at a NUL
                    raise TypeError(
                        f"save: dict keys must not contain NUL characters, got {k!r} "
                        f"at {_where(keypath)}"
                    )
            node: Any = {
                "dict": [[k, _encode(v, (*keypath, k), arrays, open_ids)] for k, v in value.items()]
            }
        else:
            kind = "list" if isinstance(value, list) else "tuple"
            node = {
                kind: [_encode(v, (*keypath, i), arrays, open_ids) for i, v in enumerate(value)]
            }
        open_ids.discard(id(value))
        return node
    raise TypeError(
        f"save: cannot store a {type(value).__name__} at {_where(keypath)}; expected dicts, "
        "lists, tuples, numpy arrays, Tensors, numbers, bools, strings or None"
    )


def _write_atomically(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write the .npz next to ``path`` under a temporary name, then rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: the directory {directory!r} of {path!r} does not exist")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never clobber another file; mode 0o666 lets the umask decide, like open().
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            # zipfile + write_array, as np.savez does, but keys like "file" can't clash with
            # savez's own parameters, and pickling is switched off explicitly.
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for key, array in arrays.items():
                    with zf.open(key + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, array, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the rename makes it visible
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if os.name == "posix":  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Save a state dict (or any nesting of dicts, lists and tuples) to ``path``.

    Leaves may be numpy arrays, numpy scalars, Tensors (stored as their arrays),
    Python ints, floats, bools, strings and None; dict keys must be str (without NUL) or
    int. Dtypes, shapes and key order round-trip exactly. The file is written atomically:
    a temporary file in the same directory is fsynced, then renamed over ``path``, so a
    crash leaves either the old file or the new one, never half of one. ``path`` is used
    as given (no ``.npz`` is appended).

    Parameters
    ----------
    obj : dict, list, tuple or leaf
        What to save, typically ``{"model": model.state_dict(), "epoch": 3}``.
    path : str or path-like
        Destination file.

    Raises
    ------
    TypeError
        For a value that cannot be stored without pickle (object arrays, arbitrary
        objects, non-str/int keys, keys holding a NUL character), naming its key path.
        Nothing is written then.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> save({"w": np.ones((2, 2), np.float32), "step": 7}, path)
    >>> ckpt = load(path)
    >>> ckpt["w"].dtype, ckpt["step"]
    (dtype('float32'), 7)
    """
    arrays: dict[str, np.ndarray] = {}
    root = _encode(obj, (), arrays, set())
    meta = json.dumps({"format": _FORMAT, "version": _VERSION, "root": root})
    arrays[_META_KEY] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
    _write_atomically(os.fspath(path), arrays)


def _decode(node: Any, npz: Any) -> Any:
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if isinstance(node, dict) and len(node) == 1:
        ((kind, payload),) = node.items()
        if kind in ("array", "scalar") and isinstance(payload, str):
            # The exact member name: npz["a.npy"] would also find the member of a key "a".
            member = payload + ".npy"
            try:
                npz.zip.getinfo(member)
            except KeyError:
                raise ValueError(f"the array entry {payload!r} is missing") from None
            array = npz[member]
            if kind == "scalar" and array.ndim == 0:
                return array[()]
            if kind == "array":
                return array
        elif kind == "dict" and isinstance(payload, list):
            if all(isinstance(item, list) and len(item) == 2 for item in payload):
                if all(isinstance(k, str | int) for k, _ in payload):
                    return {k: _decode(v, npz) for k, v in payload}
        elif kind in _CONTAINERS and isinstance(payload, list):
            return _CONTAINERS[kind](_decode(v, npz) for v in payload)
    raise ValueError(f"malformed structure entry {str(node)[:80]}")


def _read_header(npz: Any) -> Any:
    """The root structure node, after checking that ``npz`` is a checkpoint we can read."""
    if _META_KEY not in npz.files:
        if any(name.endswith("data.pkl") for name in npz.files):
            raise _Identified(
                f"it is a PyTorch checkpoint (torch.save), whose data is pickled; {_NEVER}. "
                f"Read it with torch.load and save the arrays with ag.save, or pass "
                f"{{k: v.numpy() for k, v in state.items()}} to load_state_dict"
            )
        raise _Identified(f"it has no {_META_KEY!r} entry; read plain .npz files with numpy.load")
    meta = npz[_META_KEY]
    if meta.dtype != np.uint8 or meta.ndim != 1:
        raise ValueError(f"its {_META_KEY!r} entry is {meta.dtype} of shape {meta.shape}")
    header = json.loads(meta.tobytes().decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise ValueError(f"its {_META_KEY!r} entry is not a checkpoint header")
    if header.get("version") != _VERSION:
        raise ValueError(
            f"it has format version {header.get('version')!r}; this autograd_lite reads "
            f"version {_VERSION}"
        )
    return header.get("root")


def load(path: str | os.PathLike[str]) -> Any:
    """Load a checkpoint written by ``save``; arrays come back as numpy arrays.

    Never unpickles: the arrays are read with ``allow_pickle=False`` and the structure
    is JSON. Tensors saved come back as arrays (``load_state_dict`` accepts arrays).

    Parameters
    ----------
    path : str or path-like
        A file written by ``save``.

    Returns
    -------
    The saved object: dicts, lists, tuples, numpy arrays and scalars, Python scalars.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is truncated or corrupted, is not a checkpoint (e.g. a plain
        ``.npz``), or holds pickled data; the message names the path.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> save({"layers": [{"b": np.zeros(3)}], "name": "mlp"}, path)
    >>> load(path)
    {'layers': [{'b': array([0., 0., 0.])}], 'name': 'mlp'}
    """
    with open(path, "rb") as f:  # missing file, permissions: the OS error, unchanged
        what = _not_an_archive(f.read(8))
        if what is None:
            f.seek(0)
            try:
                with np.load(f, allow_pickle=False) as npz:
                    return _decode(_read_header(npz), npz)
            except _READ_ERRORS as exc:
                raise ValueError(f"load: {os.fspath(path)!r} {_NOT_OURS}{_damage(exc)}") from exc
    raise ValueError(f"load: {os.fspath(path)!r} {_NOT_OURS}: {what}")


_NOT_OURS = "is not a readable autograd_lite checkpoint"
_NEVER = "ag.load never unpickles, because unpickling can run arbitrary code"


def _not_an_archive(head: bytes) -> str | None:
    """What the file is, from its first bytes, unless it is a zip (as an .npz is)."""
    if head.startswith(b"PK"):
        return None
    if not head:
        return "the file is empty"
    if head.startswith(b"\x93NUMPY"):
        return "it holds a single .npy array, not an .npz archive; read it with numpy.load"
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return f"it is a Python pickle (pickle.dump, or an old torch.save); {_NEVER}"
    return f"it is not an .npz archive (it starts with {head!r})"


class _Identified(ValueError):
    """The file is intact, but something else than a checkpoint: the message says what."""


def _damage(exc: BaseException) -> str:
    if isinstance(exc, _Identified):
        return f": {exc}"
    if "allow_pickle" in str(exc):  # numpy's advice, a keyword ag.load does not have
        return f": it holds an object array, which only unpickling could read; {_NEVER}"
    return f" (truncated, corrupted or not written by autograd_lite.save): {exc}"
