"""``Module``: the base class of layers and models, and ``Sequential``."""

from __future__ import annotations

import itertools
import warnings
import weakref
from collections import OrderedDict
from collections.abc import (
    Callable,
    Container,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

import numpy as np

from autograd_lite.core import Tensor, name_scope
from autograd_lite.core.modes import state
from autograd_lite.nn.parameter import Parameter, _mark_modified, _zero_grads

__all__ = [
    "IncompatibleKeys",
    "Module",
    "ModuleDict",
    "ModuleList",
    "ParameterDict",
    "ParameterList",
    "RemovableHandle",
    "Sequential",
]

_M = TypeVar("_M", bound="Module")


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


_hook_ids = itertools.count()


class _Hook(NamedTuple):
    fn: Callable[..., Any]
    pre: bool  # a forward pre-hook (else a forward hook)
    with_kwargs: bool
    always_call: bool


def _call_forward_hook(
    module: Module, hook: _Hook, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
) -> Any:
    """Run a forward hook; what it returns, unless None, is the new output."""
    if hook.with_kwargs:
        result = hook.fn(module, args, kwargs, output)
    else:
        result = hook.fn(module, args, output)
    return output if result is None else result


class RemovableHandle:
    """What ``register_forward_hook`` and ``register_forward_pre_hook`` return, as PyTorch's.

    ``handle.remove()`` unregisters the hook (again: nothing happens); as a context
    manager the hook is removed on leaving the ``with`` block. ``id`` is unique.
    """

    def __init__(self, hooks: OrderedDict[int, Any]) -> None:
        self._hooks = weakref.ref(hooks)  # a handle must not keep its module's hooks alive
        self.id = next(_hook_ids)

    def remove(self) -> None:
        """Unregister the hook."""
        hooks = self._hooks()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class Module:
    """Base class of every layer and model, as PyTorch's ``nn.Module``.

    Assigning a :class:`Parameter`, a Module, or (through ``register_buffer``) an
    array to an attribute registers it, in definition order. ``model(x)`` runs
    ``forward`` inside ``ag.name_scope(<name>)``, where ``<name>`` is the attribute
    name under which the module was registered in its parent (``"0"``, ``"encoder"``);
    scopes nest, so ops made inside carry the module path (``"encoder.0"``), the same
    prefix as ``named_parameters()``. A module that was never registered in a parent
    (the root model) opens no scope; one registered in several places uses the name
    of its latest registration.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import nn
    >>> class MLP(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(2, 4, rng=0)
    ...         self.out = nn.Linear(4, 1, rng=1)
    ...     def forward(self, x):
    ...         return self.out(ag.relu(self.hidden(x)))
    >>> model = MLP()
    >>> [name for name, _ in model.named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    >>> y = model(ag.ones((3, 2), dtype=np.float32))
    >>> y.shape, y.op.scope
    ((3, 1), 'out')
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, np.ndarray | None]
    _modules: dict[str, Module]
    _non_persistent_buffers: set[str]  # consulted only for names in _buffers
    _hooks: OrderedDict[int, _Hook]  # forward pre-hooks and hooks: one dict, one check per call
    _scope: name_scope | None  # one object, reused by every call (hot path)

    def __init__(self) -> None:
        # object.__setattr__: these exist before __setattr__ can register anything.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_hooks", OrderedDict())
        object.__setattr__(self, "_scope", None)
        object.__setattr__(self, "training", True)

    if TYPE_CHECKING:  # registered members are plain attributes; tell the type checker so

        def __getattr__(self, name: str) -> Any: ...

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if state.watch and state.tracer is not None:  # ag.jit: train/eval decides the replay
            state.tracer.module(self)
        if self._hooks:  # the hot path of every layer: without hooks, this one check more
            return self._call_hooked(args, kwargs)
        scope = self._scope
        if scope is None:
            return self.forward(*args, **kwargs)
        with scope:
            return self.forward(*args, **kwargs)

    # -- hooks ---------------------------------------------------------------------------------

    def _call_hooked(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """``__call__`` with hooks: ``forward`` between the pre-hooks and the hooks, in the
        module's scope, with PyTorch's semantics for what they return."""
        scope = self._scope
        if scope is None:
            return self._run_hooks(args, kwargs)
        with scope:
            return self._run_hooks(args, kwargs)

    def _run_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        hooks = list(self._hooks.items())  # a hook may register or remove hooks
        output, called = None, set()
        try:
            for _, hook in hooks:
                if not hook.pre:
                    continue
                if hook.with_kwargs:
                    result = hook.fn(self, args, kwargs)
                    if result is not None:
                        if not (isinstance(result, tuple) and len(result) == 2):
                            raise RuntimeError(
                                f"{type(self).__name__}: a forward pre-hook with_kwargs must "
                                f"return None or a tuple (args, kwargs), got {result!r}"
                            )
                        args, kwargs = result
                else:
                    result = hook.fn(self, args)
                    if result is not None:
                        args = result if isinstance(result, tuple) else (result,)
            output = self.forward(*args, **kwargs)
            for key, hook in hooks:
                if not hook.pre:
                    called.add(key)
                    output = _call_forward_hook(self, hook, args, kwargs, output)
        except Exception:
            for key, hook in hooks:
                if hook.always_call and key not in called:
                    try:
                        output = _call_forward_hook(self, hook, args, kwargs, output)
                    except Exception as e:  # the first error is the one to see
                        warnings.warn(
                            f"{type(self).__name__}: a forward hook with always_call=True raised "
                            f"while another error was being raised, and was silenced: {e!r}",
                            stacklevel=3,
                        )
            raise
        return output

    def _add_hook(self, hook: _Hook, prepend: bool) -> RemovableHandle:
        if not callable(hook.fn):
            kind = "forward pre-hook" if hook.pre else "forward hook"
            raise TypeError(
                f"{type(self).__name__}: a {kind} must be callable, got {type(hook.fn).__name__}"
            )
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        if prepend:  # first of its kind: the other kind's hooks run at another time anyway
            self._hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before every ``forward``, as PyTorch's.

        ``args`` is the tuple of positional arguments (keyword arguments go to ``forward``
        only). A hook that returns something other than None replaces ``args`` by it (a
        single value is wrapped into a 1-tuple). With ``with_kwargs=True`` the hook is
        ``hook(module, args, kwargs)`` and returns None or a new ``(args, kwargs)``.
        Hooks run in registration order, or first with ``prepend=True``; each sees the
        arguments left by the ones before. Returns a handle whose ``remove()`` unregisters.

        Example
        -------
        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> layer = nn.Identity()
        >>> handle = layer.register_forward_pre_hook(lambda module, args: args[0] * 2)
        >>> layer(np.array([1.0, 2.0])).tolist()
        [2.0, 4.0]
        >>> handle.remove()
        >>> layer(np.array([1.0, 2.0])).tolist()
        [1.0, 2.0]
        """
        return self._add_hook(_Hook(hook, True, bool(with_kwargs), False), prepend)

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every ``forward``, as PyTorch's.

        A hook that returns something other than None replaces the output by it; the
        next hook sees the new output. With ``with_kwargs=True`` the hook is
        ``hook(module, args, kwargs, output)``. With ``always_call=True`` it also runs
        (with the output so far, None if ``forward`` raised) when a pre-hook, ``forward``
        or an earlier hook raised; an error of its own is then turned into a warning and
        the first error propagates. Returns a handle whose ``remove()`` unregisters.

        Example
        -------
        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> layer, seen = nn.Linear(3, 2, rng=0), []
        >>> handle = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
        >>> _ = layer(np.ones((4, 3), dtype=np.float32))
        >>> seen
        [(4, 2)]
        """
        return self._add_hook(_Hook(hook, False, bool(with_kwargs), bool(always_call)), prepend)

    # -- registration --------------------------------------------------------------------------

    def _registries(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        try:
            return self._parameters, self._buffers, self._modules
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() in __init__ before assigning "
                "parameters, buffers or submodules"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._registries()
        if isinstance(value, Parameter):
            buffers.pop(name, None)
            modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
            value._set_scope(name)
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a {type(value).__name__} to parameter "
                    f"'{name}'; expected an nn.Parameter or None"
                )
            params[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, np.ndarray):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a {type(value).__name__} to buffer "
                    f"'{name}'; expected a numpy array or None"
                )
            buffers[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a {type(value).__name__} to submodule "
                    f"'{name}'; expected an nn.Module or None"
                )
            del modules[name]
        object.__setattr__(self, name, value)

    def _set_scope(self, name: str) -> None:
        """Record the name ``__call__`` opens as this module's scope (its latest registration)."""
        object.__setattr__(self, "_scope", name_scope(name))

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            registry.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter) as ``self.<name>``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: expected an nn.Parameter or None for '{name}', "
                f"got {type(param).__name__}"
            )
        params, buffers, modules = self._registries()
        buffers.pop(name, None)  # one name, one kind of thing: it must not stay a buffer too
        modules.pop(name, None)
        params[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, array: np.ndarray | None, persistent: bool = True) -> None:
        """Register a non-trainable array (e.g. running statistics) as ``self.<name>``.

        Buffers are cast by ``to()`` and listed by ``buffers()``. A persistent buffer
        (the default) is saved in ``state_dict()`` and expected by ``load_state_dict``;
        with ``persistent=False`` it is neither, as in PyTorch (e.g. a cached mask).

        Example
        -------
        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> m = nn.Module()
        >>> m.register_buffer("mean", np.zeros(2))
        >>> m.register_buffer("mask", np.ones(2), persistent=False)
        >>> list(m.state_dict()), [name for name, _ in m.named_buffers()]
        (['mean'], ['mean', 'mask'])
        """
        if array is not None and not isinstance(array, np.ndarray):
            raise TypeError(
                f"register_buffer: expected a numpy array or None for '{name}', "
                f"got {type(array).__name__}"
            )
        params, buffers, modules = self._registries()
        params.pop(name, None)
        modules.pop(name, None)
        buffers[name] = array
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, array)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as ``self.<name>`` (names need not be identifiers)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"add_module: expected an nn.Module for '{name}', got {type(module).__name__}"
            )
        setattr(self, name, module)

    # -- traversal -----------------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, depth first, each once, with dotted names."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and all below it, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct submodules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """Direct submodules."""
        yield from self._modules.values()

    def _named_members(self, kind: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        modules = self.named_modules() if recurse else iter([("", self)])
        for prefix, module in modules:
            for name, member in getattr(module, kind).items():
                if member is not None:
                    yield (f"{prefix}.{name}" if prefix else name), member

    def named_parameters(self, recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` pairs in definition order; a shared parameter once."""
        seen: set[int] = set()
        for name, p in self._named_members("_parameters", recurse):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters, in definition order (pass to an optimiser)."""
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse: bool = True) -> Iterator[tuple[str, np.ndarray]]:
        """``(dotted name, array)`` pairs of the registered buffers."""
        yield from self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True) -> Iterator[np.ndarray]:
        """The registered buffers."""
        for _, b in self.named_buffers(recurse):
            yield b

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule, then on this module (e.g. custom init); return self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients -------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout active, BatchNorm uses batch statistics); return self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Set evaluation mode, ``train(False)``; return self."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget parameter gradients (``None``, PyTorch's default), or zero them in place."""
        _zero_grads(self.parameters(), set_to_none)

    # -- dtype ---------------------------------------------------------------------------------

    def to(self: _M, dtype: Any) -> _M:
        """Cast every parameter and floating buffer to the floating ``dtype``; return self.

        The Parameter objects stay the same (their ``.data`` and ``.grad`` are replaced by
        cast arrays), so an optimiser made before still updates them; its state arrays
        keep their old dtype until ``opt.load_state_dict(opt.state_dict())`` recasts them.
        Integer buffers (``num_batches_tracked``) are left alone. A backward through a
        graph recorded before the cast raises, as after any in-place change.

        Example
        -------
        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> bn = nn.BatchNorm1d(3).to(np.float64)
        >>> bn.weight.dtype, bn.running_mean.dtype, bn.num_batches_tracked.dtype
        (dtype('float64'), dtype('float64'), dtype('int64'))
        """
        try:
            dt = None if dtype is None else np.dtype(dtype)  # np.dtype(None) would be float64
        except TypeError:
            dt = None
        if dt is None or dt.kind != "f":
            raise TypeError(f"Module.to: expected a floating numpy dtype, got {dtype!r}")
        changed = [p for p in self.parameters() if p.dtype != dt]
        for p in changed:
            p.data = p.data.astype(dt)
            if p.grad is not None:
                p.grad.data = p.grad.data.astype(dt)
        cast: dict[int, np.ndarray] = {}  # one array registered in two modules stays shared
        for module in self.modules():
            for name, buf in list(module._buffers.items()):
                if buf is not None and buf.dtype.kind == "f" and buf.dtype != dt:
                    new = cast.setdefault(id(buf), buf.astype(dt))
                    setattr(module, name, new)
        _mark_modified(changed)
        return self

    def float(self: _M) -> _M:
        """Cast parameters and floating buffers to float32, ``to(np.float32)``; return self."""
        return self.to(np.float32)

    def double(self: _M) -> _M:
        """Cast parameters and floating buffers to float64, ``to(np.float64)``; return self."""
        return self.to(np.float64)

    # -- state dicts ---------------------------------------------------------------------------

    def _state_arrays(self) -> OrderedDict[str, np.ndarray]:
        """The live arrays behind ``state_dict()``: each module's parameters, then its
        persistent buffers."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for prefix, module in self.named_modules():
            transient = module._non_persistent_buffers
            for registry in (module._parameters, module._buffers):
                for name, member in registry.items():
                    if member is not None and not (
                        registry is module._buffers and name in transient
                    ):
                        key = f"{prefix}.{name}" if prefix else name
                        out[key] = member.data if isinstance(member, Tensor) else member
        return out

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of every parameter and buffer array, by dotted name.

        Example
        -------
        >>> from autograd_lite import nn
        >>> list(nn.BatchNorm1d(3).state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        """
        return OrderedDict((k, v.copy()) for k, v in self._state_arrays().items())

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy arrays from ``state_dict`` into the parameters and buffers, in place.

        Every entry is checked first; on any problem a ValueError lists all of them
        and nothing is changed. Shape and dtype must match exactly. With
        ``strict=False``, missing and unexpected keys are allowed and returned.

        Example
        -------
        >>> import numpy as np
        >>> from autograd_lite import nn
        >>> a, b = nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool(np.array_equal(a.weight.data, b.weight.data))
        True
        """
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"load_state_dict: expected a dict of arrays, got {type(state_dict).__name__}"
            )
        targets = self._state_arrays()
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {', '.join(missing)}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {', '.join(map(str, unexpected))}")
        sources = {}
        for key, target in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            value = value.data if isinstance(value, Tensor) else np.asarray(value)
            if value.shape != target.shape or value.dtype != target.dtype:
                problems.append(
                    f"'{key}': got shape {value.shape} dtype {value.dtype}, "
                    f"expected shape {target.shape} dtype {target.dtype}"
                )
            sources[key] = value
        if problems:
            raise ValueError(
                f"load_state_dict for {type(self).__name__} failed, nothing was loaded:\n  "
                + "\n  ".join(problems)
            )
        for key, value in sources.items():
            np.copyto(targets[key], value)
        _mark_modified(self.parameters())
        return IncompatibleKeys(missing, unexpected)

    # -- display -------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """This module's own settings for ``repr`` (e.g. ``in_features=2, out_features=3``)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({extra})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


_S = TypeVar("_S", bound="_ModuleSequence")


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children kept in order and used by position."""

    def _from_slice(self: _S, items: list[tuple[str, Module]]) -> _S:
        raise NotImplementedError

    def append(self: _S, module: Module) -> _S:
        """Add ``module`` at the end; return self."""
        (module,) = _checked_modules(f"{type(self).__name__}.append", [module])
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    @overload
    def __getitem__(self, idx: int) -> Module: ...
    @overload
    def __getitem__(self: _S, idx: slice) -> _S: ...
    def __getitem__(self: _S, idx: int | slice) -> Module | _S:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return self._from_slice(items[idx])
        return items[_position(type(self).__name__, idx, len(items))][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        """Replace the module at ``idx``; it keeps that module's name and position."""
        owner = type(self).__name__
        (module,) = _checked_modules(owner, [module])
        names = list(self._modules)
        self.add_module(names[_position(owner, idx, len(names), slices=False)], module)

    def __delitem__(self, idx: int | slice) -> None:
        """Remove modules; the rest are renumbered ``"0"``, ``"1"``, ... as PyTorch does."""
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            del modules[idx]
        else:
            del modules[_position(type(self).__name__, idx, len(modules))]
        _renumber(self, modules)


class Sequential(_ModuleSequence):
    """Modules applied one after the other; indexable (int or slice), iterable, ``len``;
    ``model[i] = module`` replaces one, ``del model[i]`` (or a slice) removes and renumbers.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    >>> model
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> len(model), type(model[-1]).__name__, len(model[:2])
    (3, 'Linear', 2)
    >>> model(ag.ones((4, 2), dtype=np.float32)).shape
    (4, 1)
    """

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        first = modules[0] if len(modules) == 1 else None
        if isinstance(first, OrderedDict):
            for name, child in first.items():
                self.add_module(name, child)
        else:
            for i, module in enumerate(_checked_modules("Sequential", modules)):
                self.add_module(str(i), module)

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def _from_slice(self, items: list[tuple[str, Module]]) -> Sequential:
        return Sequential(OrderedDict(items))


def _renumber(owner: Module, modules: list[Module]) -> None:
    """Make ``modules`` the children ``"0"``, ``"1"``, ... of ``owner``, in this order."""
    for name in list(owner._modules):
        delattr(owner, name)
    for i, module in enumerate(modules):
        owner.add_module(str(i), module)


def _position(owner: str, idx: Any, n: int, slices: bool = True, item: str = "module") -> int:
    """``idx`` (an int, negative counting from the end) as a checked position in ``range(n)``;
    ``slices`` says whether the caller also takes slices, ``item`` what it holds (for the
    error message)."""
    if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
        kinds = "an int or a slice" if slices else f"an int (assignment takes one {item})"
        raise TypeError(f"{owner}: index must be {kinds}, got {type(idx).__name__}")
    if not -n <= idx < n:
        raise IndexError(f"{owner}: index {idx} out of range for {n} {item}s")
    return int(idx) % n


def _checked_modules(owner: str, modules: Any) -> list[Module]:
    """``modules`` as a list, every item checked to be a Module (before anything changes)."""
    try:
        items = list(modules)
    except TypeError:
        raise TypeError(
            f"{owner}: expected an iterable of nn.Modules, got {type(modules).__name__}"
        ) from None
    for i, m in enumerate(items):
        if not isinstance(m, Module):
            raise TypeError(
                f"{owner}: item {i} is of type {type(m).__name__}, expected an nn.Module"
            )
    return items


def _check_key(container: Module, owner: str, key: Any, keys: Container[str]) -> None:
    """A dict container's key becomes an attribute name: a non-empty string without '.' that
    names no attribute of the container (``"keys"``, ``"training"``) unless it is a key."""
    if not isinstance(key, str):
        raise TypeError(f"{owner}: keys must be strings, got {type(key).__name__}")
    if not key or "." in key or (hasattr(container, key) and key not in keys):
        raise ValueError(
            f"{owner}: key {key!r} must be non-empty, without '.', and not the name of "
            f"a {type(container).__name__} attribute"
        )


class _Container(Module):
    """A holder of modules that is never called itself (ModuleList, ModuleDict).

    Its name opens no scope when a child runs, so each child's scope carries it instead
    (``"blocks.1"``, the same prefix as in ``named_parameters()``).
    """

    def _set_scope(self, name: str) -> None:
        super()._set_scope(name)
        for key, child in self._modules.items():
            child._set_scope(f"{name}.{key}")

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if isinstance(value, Module) and self._scope is not None:
            value._set_scope(f"{self._scope.name}.{name}")


class ModuleList(_ModuleSequence, _Container):
    """A list of modules, registered as children ``"0"``, ``"1"``, ..., as ``torch.nn.ModuleList``.

    Their parameters appear in ``parameters()`` and ``state_dict()`` as ``"<i>.<name>"``.
    Supports ``append``, ``extend``, ``insert``, ``+=``, ``len``, iteration, and indexing,
    assignment and deletion by int (negative from the end) or, for reading and deleting,
    by slice; a slice reads as a new ModuleList of the same modules. Inserting or deleting
    renumbers the modules after it. It has no ``forward``: call its modules yourself.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(2)])
    >>> layers.append(nn.Linear(2, 1, rng=2))
    ModuleList(
      (0): Linear(in_features=2, out_features=2, bias=True)
      (1): Linear(in_features=2, out_features=2, bias=True)
      (2): Linear(in_features=2, out_features=1, bias=True)
    )
    >>> [name for name, _ in layers.named_parameters()][-2:]
    ['2.weight', '2.bias']
    >>> x = ag.ones((4, 2), dtype=np.float32)
    >>> for layer in layers:
    ...     x = layer(x)
    >>> x.shape, len(layers), len(layers[-2:])
    ((4, 1), 3, 2)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add every module of ``modules`` at the end, in order; return self."""
        for module in _checked_modules("ModuleList.extend", modules):
            self.add_module(str(len(self._modules)), module)
        return self

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``, as ``list.insert``."""
        (module,) = _checked_modules("ModuleList.insert", [module])
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"ModuleList.insert: index must be an int, got {type(index).__name__}")
        modules = list(self._modules.values())
        modules.insert(int(index), module)
        _renumber(self, modules)

    def _from_slice(self, items: list[tuple[str, Module]]) -> ModuleList:
        # Registered without add_module: reading a slice must not rename the modules' name
        # scopes, which still belong to this list.
        part = ModuleList()
        for i, (_, module) in enumerate(items):
            part._modules[str(i)] = module
            object.__setattr__(part, str(i), module)
        return part


class ModuleDict(_Container):
    """A dict of modules, registered as children in insertion order, as ``torch.nn.ModuleDict``.

    Keys are strings that are neither empty, nor dotted, nor the name of an attribute
    or method of the ModuleDict (``"keys"``, ``"training"``). Assigning to an existing
    key replaces the module in place, keeping its position. Supports ``[]``, ``in``,
    ``len``, iteration over keys, ``keys``, ``values``, ``items``, ``update``, ``pop``
    and ``clear``. It has no ``forward``: call its modules yourself.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3, rng=0), "box": nn.Linear(4, 2, rng=1)})
    >>> heads["act"] = nn.ReLU()
    >>> list(heads), "box" in heads
    (['cls', 'box', 'act'], True)
    >>> list(heads.state_dict())
    ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
    >>> heads["box"](np.ones((5, 4), dtype=np.float32)).shape
    (5, 2)
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _check_entry(self, owner: str, key: Any, module: Any) -> None:
        _check_key(self, owner, key, self._modules)
        if not isinstance(module, Module):
            raise TypeError(
                f"{owner}: value for {key!r} is a {type(module).__name__}, expected an nn.Module"
            )

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self._check_entry("ModuleDict", key, module)
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        if key not in self._modules:
            raise KeyError(key)
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> ItemsView[str, Module]:
        """``(key, module)`` pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            del self[key]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or from ``(key, module)`` pairs, in order."""
        pairs: list[tuple[Any, ...]]
        if isinstance(modules, (Mapping, ModuleDict)):
            pairs = list(modules.items())
        else:
            try:
                pairs = [tuple(pair) for pair in modules]
            except TypeError:
                raise TypeError(
                    "ModuleDict.update: expected a mapping or an iterable of (key, module) "
                    f"pairs, got {type(modules).__name__}"
                ) from None
        for i, pair in enumerate(pairs):
            if len(pair) != 2:
                raise ValueError(
                    f"ModuleDict.update: element {i} has length {len(pair)}, expected a "
                    "(key, module) pair"
                )
            self._check_entry("ModuleDict.update", *pair)
        for key, module in pairs:
            self.add_module(key, module)


def _as_parameter(value: Any) -> Any:
    """What the parameter containers store: a Tensor or numpy array becomes a Parameter (on
    the same array, as ``nn.Parameter(tensor)`` in PyTorch); anything else stays as it is."""
    if isinstance(value, Parameter) or not isinstance(value, (Tensor, np.ndarray)):
        return value
    return Parameter(value.data if isinstance(value, Tensor) else value)


def _describe(value: Any) -> str:
    """One line of a parameter container's repr, as PyTorch's."""
    if isinstance(value, Tensor):
        size = "x".join(map(str, value.shape))
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        return f"{kind} containing: [{value.dtype} of size {size}]"
    return f"Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list of parameters, registered as ``"0"``, ``"1"``, ..., as ``torch.nn.ParameterList``.

    Tensors and numpy arrays put in become Parameters sharing their array; other
    values are kept but not registered. Supports ``append``, ``extend``, ``+=``,
    ``len``, iteration, indexing by int (negative from the end) or slice (a new
    ParameterList of the same parameters) and assignment by int. It cannot be called.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> params = nn.ParameterList([np.zeros((2, 3)), np.ones(3)])
    >>> params.append(nn.Parameter(np.ones(2)))
    ParameterList(
      (0): Parameter containing: [float64 of size 2x3]
      (1): Parameter containing: [float64 of size 3]
      (2): Parameter containing: [float64 of size 2]
    )
    >>> [name for name, _ in params.named_parameters()], len(params[1:])
    (['0', '1', '2'], 2)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(self[i] for i in range(len(self))[idx])
        return getattr(self, str(_position("ParameterList", idx, self._size, item="value")))

    def __setitem__(self, idx: int, value: Any) -> None:
        pos = _position("ParameterList", idx, self._size, slices=False, item="value")
        setattr(self, str(pos), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self._size))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end; return self."""
        setattr(self, str(self._size), _as_parameter(value))
        self._size += 1
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add every value of ``values`` at the end, in order; return self."""
        if isinstance(values, (Tensor, np.ndarray)) or not isinstance(values, Iterable):
            raise TypeError(
                f"ParameterList.extend: expected an iterable of values, got {type(values).__name__}"
            )
        for value in list(values):  # a list: extending by itself must terminate
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): {_describe(p)}" for i, p in enumerate(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called")


class ParameterDict(Module):
    """A dict of parameters, registered under their keys, as ``torch.nn.ParameterDict``.

    Tensors and numpy arrays put in become Parameters sharing their array; other
    values are kept but not registered. Keys follow the rules of :class:`ModuleDict`.
    As in PyTorch, ``update`` (and the constructor) with a plain ``dict`` inserts its
    keys in sorted order; an ``OrderedDict``, a ParameterDict or ``(key, value)`` pairs
    keep theirs. Supports ``[]``, ``in``, ``len``, iteration over keys, ``keys``,
    ``values``, ``items``, ``get``, ``setdefault``, ``pop``, ``popitem``, ``clear``,
    ``copy``, ``fromkeys``, ``update`` and ``|``, ``|=``. It cannot be called.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> scales = nn.ParameterDict({"left": np.ones(2), "right": np.zeros(2)})
    >>> scales["bias"] = np.zeros(1)
    >>> list(scales.state_dict()), type(scales["left"]).__name__
    (['left', 'right', 'bias'], 'Parameter')
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        _check_key(self, "ParameterDict", key, self._keys)
        setattr(self, key, _as_parameter(value))
        self._keys[key] = None

    def __delitem__(self, key: str) -> None:
        if key not in self._keys:
            raise KeyError(key)
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._keys.keys()

    def values(self) -> Iterator[Any]:
        """The values, in insertion order."""
        return (self[k] for k in self._keys)

    def items(self) -> Iterator[tuple[str, Any]]:
        """``(key, value)`` pairs, in insertion order."""
        return ((k, self[k]) for k in self._keys)

    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default``."""
        return self[key] if key in self._keys else default

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, after inserting ``default`` there if it was absent."""
        if key not in self._keys:
            self[key] = default
        return self[key]

    def pop(self, key: str) -> Any:
        """Remove the value under ``key`` and return it."""
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove the last inserted ``(key, value)`` pair and return it."""
        if not self._keys:
            raise KeyError("popitem(): ParameterDict is empty")
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def clear(self) -> None:
        """Remove every value."""
        for key in list(self._keys):
            del self[key]

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same parameters."""
        return ParameterDict(OrderedDict(self.items()))

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        """A new ParameterDict with ``default`` under each of ``keys``."""
        return ParameterDict((k, default) for k in keys)

    def update(self, parameters: Any) -> None:
        """Add or replace values from a mapping or from ``(key, value)`` pairs."""
        pairs: list[Any]
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())  # PyTorch's order for unordered mappings
        elif isinstance(parameters, Iterable) and not isinstance(parameters, (str, Tensor)):
            pairs = [tuple(p) if isinstance(p, Iterable) else p for p in parameters]
        else:
            raise TypeError(
                "ParameterDict.update: expected a mapping or an iterable of (key, value) pairs, "
                f"got {type(parameters).__name__}"
            )
        for i, pair in enumerate(pairs):
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise ValueError(
                    f"ParameterDict.update: element {i} is not a (key, value) pair: {pair!r}"
                )
            _check_key(self, "ParameterDict.update", pair[0], self._keys)
        for key, value in pairs:
            self[key] = value

    def __or__(self, other: ParameterDict) -> ParameterDict:
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: ParameterDict) -> ParameterDict:
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): {_describe(v)}" for k, v in self.items())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called")
