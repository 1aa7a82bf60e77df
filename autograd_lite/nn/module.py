"""``Module``: the base class of layers and models, and ``Sequential``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np

from autograd_lite.core import Tensor, name_scope
from autograd_lite.nn.parameter import Parameter, _mark_modified

__all__ = ["IncompatibleKeys", "Module", "Sequential"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


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
    _scope: str | None

    def __init__(self) -> None:
        # object.__setattr__: these exist before __setattr__ can register anything.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_scope", None)
        object.__setattr__(self, "training", True)

    if TYPE_CHECKING:  # registered members are plain attributes; tell the type checker so

        def __getattr__(self, name: str) -> Any: ...

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        scope = self._scope
        if scope is None:
            return self.forward(*args, **kwargs)
        with name_scope(scope):
            return self.forward(*args, **kwargs)

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
            object.__setattr__(value, "_scope", name)
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
        self._registries()[0][name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, array: np.ndarray | None) -> None:
        """Register a non-trainable array (e.g. running statistics): saved in ``state_dict()``."""
        if array is not None and not isinstance(array, np.ndarray):
            raise TypeError(
                f"register_buffer: expected a numpy array or None for '{name}', "
                f"got {type(array).__name__}"
            )
        params, buffers, modules = self._registries()
        params.pop(name, None)
        modules.pop(name, None)
        buffers[name] = array
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
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.data[...] = 0.0

    # -- state dicts ---------------------------------------------------------------------------

    def _state_arrays(self) -> OrderedDict[str, np.ndarray]:
        """The live arrays behind ``state_dict()``: each module's parameters, then its buffers."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for prefix, module in self.named_modules():
            for registry in (module._parameters, module._buffers):
                for name, member in registry.items():
                    if member is not None:
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


class Sequential(Module):
    """Modules applied one after the other; indexable (int or slice), iterable, ``len``.

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
            for i, module in enumerate(modules):
                self.add_module(str(i), module)  # type: ignore[arg-type]

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; return self."""
        self.add_module(str(len(self._modules)), module)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    @overload
    def __getitem__(self, idx: int) -> Module: ...
    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...
    def __getitem__(self, idx: int | slice) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(
                f"Sequential: index must be an int or a slice, got {type(idx).__name__}"
            )
        if not -len(items) <= idx < len(items):
            raise IndexError(f"Sequential: index {idx} out of range for {len(items)} modules")
        return items[idx][1]
