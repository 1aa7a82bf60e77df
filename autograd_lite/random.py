"""Random number generators, PyTorch's way: one global stream that ``ag.manual_seed`` seeds.

Everything random draws from it unless told otherwise: ``nn`` layers' initial weights
(``rng=None``), ``nn.init``, ``F.dropout``/``nn.Dropout``, ``DataLoader`` shuffling,
``random_split`` and ``ag.rand``/``randn``/``randint``/``randperm``. So one
``ag.manual_seed(0)`` at the top of a script makes the whole run reproducible.

:class:`Generator` is a ``numpy.random.Generator`` (PCG64) with PyTorch's methods
(``manual_seed``, ``seed``, ``initial_seed``, ``get_state``, ``set_state``), so it works
wherever a numpy Generator does (every ``rng=`` argument) and wherever PyTorch takes
``generator=``. Seeding with ``s`` gives the stream of ``np.random.default_rng(s)``; an
explicit ``rng=`` (a numpy Generator or an int seed) still makes a stream of its own.

>>> import numpy as np
>>> import autograd_lite as ag
>>> _ = ag.manual_seed(0)
>>> bool(np.all(ag.rand(3, dtype=np.float64).numpy() == np.random.default_rng(0).random(3)))
True
>>> g = ag.Generator().manual_seed(1)
>>> ag.randint(0, 10, (4,), generator=g).tolist() == ag.randint(0, 10, (4,), rng=1).tolist()
True
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from .core import Tensor, value

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
]

_DEFAULT_SEED = 67280421310721  # what a new torch.Generator() starts from
_STATE_BYTES = 40  # PCG64: 128-bit state, 128-bit increment, the buffered 32-bit half


class Generator(np.random.Generator):
    """A numpy Generator (PCG64) with ``torch.Generator``'s methods.

    Parameters
    ----------
    device : str
        Only ``"cpu"``; accepted for PyTorch's signature.

    Examples
    --------
    >>> g = Generator().manual_seed(42)
    >>> g.initial_seed()
    42
    >>> state = g.get_state()
    >>> a = g.random(2)
    >>> bool(np.all(g.set_state(state).random(2) == a))
    True
    """

    def __init__(self, device: str = "cpu") -> None:
        if str(device) != "cpu":
            raise ValueError(f"Generator: only device='cpu' exists here, got {device!r}")
        super().__init__(np.random.PCG64(_DEFAULT_SEED))
        self.device = "cpu"
        self._seed = _DEFAULT_SEED

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed`` (any int in [-2**63, 2**64)); returns the generator.

        The generator object stays the same (its state is replaced in place), so everything
        holding it, such as an ``nn.Dropout`` made earlier, follows the new seed.
        """
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__} {seed!r}")
        if not -(2**63) <= seed < 2**64:
            raise ValueError(f"manual_seed: seed must be in [-2**63, 2**64), got {seed}")
        self._seed = int(seed) % 2**64  # negative seeds wrap around, as in PyTorch
        self.bit_generator.state = np.random.PCG64(self._seed).state
        return self

    def seed(self) -> int:
        """Seed from OS entropy; returns the seed (``initial_seed()`` reports it too)."""
        new = secrets.randbits(64)
        self.manual_seed(new)
        return new

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    def get_state(self) -> Tensor:
        """The state as a uint8 Tensor of 40 bytes, for ``set_state`` (``ag.save`` keeps it)."""
        s = self.bit_generator.state
        raw = b"".join(
            (
                s["state"]["state"].to_bytes(16, "little"),
                s["state"]["inc"].to_bytes(16, "little"),
                s["has_uint32"].to_bytes(4, "little"),
                s["uinteger"].to_bytes(4, "little"),
            )
        )
        return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from :meth:`get_state`; returns the generator."""
        arr = np.asarray(value(new_state))
        if arr.dtype != np.uint8 or arr.shape != (_STATE_BYTES,):
            raise ValueError(
                f"set_state: expected the uint8 tensor of shape ({_STATE_BYTES},) that "
                f"get_state returns, got dtype {arr.dtype} and shape {arr.shape}"
            )
        raw = arr.tobytes()
        self.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(raw[:16], "little"),
                "inc": int.from_bytes(raw[16:32], "little"),
            },
            "has_uint32": int.from_bytes(raw[32:36], "little"),
            "uinteger": int.from_bytes(raw[36:40], "little"),
        }
        return self

    def __reduce__(self) -> Any:
        # numpy's own __reduce__ would rebuild a plain numpy Generator
        return (_restore, (self.get_state().numpy(), self._seed, self is default_generator))

    def __deepcopy__(self, memo: dict[int, Any]) -> Generator:
        # A module holding the global stream (nn.Dropout) keeps drawing from it when copied.
        return self if self is default_generator else _restore(self.get_state(), self._seed)

    def __repr__(self) -> str:
        return f"<autograd_lite.Generator (PCG64) initial_seed={self._seed}>"

    __str__ = __repr__


def _restore(state: Any, seed: int, is_default: bool = False) -> Generator:
    if is_default:
        return default_generator
    g = Generator().set_state(state)
    g._seed = seed
    return g


default_generator = Generator()
default_generator.seed()  # a fresh seed per process, as PyTorch's default generator


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (``torch.manual_seed``); returns it.

    >>> import autograd_lite as ag
    >>> _ = ag.manual_seed(0); a = ag.randn(3)
    >>> _ = ag.manual_seed(0); b = ag.randn(3)
    >>> a.tolist() == b.tolist()
    True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator from OS entropy; returns the seed (``torch.seed``)."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global generator was last started from (``torch.initial_seed``)."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The global generator's state, a uint8 Tensor (``torch.get_rng_state``)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)
