"""One declaration per public op: its name, its Tensor method, the numpy functions it stands for.

An op is a class (``forward`` and ``backward`` side by side) and the function that applies
it, declared once::

    @declare(method=True, numpy=np.exp)
    def exp(x: ArrayLike) -> Any:
        return apply_unary(Exp(), x)

Everything else follows from the declaration: the export ``ag.exp`` (for autograd_lite's own
ops), the method ``Tensor.exp``, ``np.exp(tensor)`` through numpy's array protocols, the
method's type stub (``autograd_lite/_tensor_methods.pyi``) and the README's table of ops.
Users declare their own ops the same way (they get the method and the numpy dispatch).

``python -m autograd_lite.ops`` rewrites the stub and the README's table; a test
fails when either is out of date.
"""

from __future__ import annotations

import builtins
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..core import Tensor

__all__ = ["declare", "tensor_method", "Declaration", "DECLARED", "METHODS", "NUMPY"]

Fn = TypeVar("Fn", bound=Callable[..., Any])

_BUILTIN = __name__.rpartition(".")[0] + "."  # "autograd_lite.ops."


@dataclass(frozen=True)
class Declaration:
    """What one declaration said."""

    name: str  # the public name: ag.<name> for autograd_lite's own ops
    function: Callable[..., Any]
    method: str | None  # the Tensor method it also is, if any
    numpy: tuple[Any, ...]  # the numpy functions and ufuncs it stands for
    family: str  # the README table's row: the module's name for built-in ops
    namespace: str | None = None  # "linalg": ag.linalg.<name>, not ag.<name>

    @property
    def qualname(self) -> str:
        return self.name if self.namespace is None else f"{self.namespace}.{self.name}"

    @property
    def builtin(self) -> bool:
        return self.function.__module__.startswith(_BUILTIN)


DECLARED: dict[str, Declaration] = {}  # public functions, by name
METHODS: dict[str, Callable[..., Any]] = {}  # Tensor methods (and properties), by name
NUMPY: dict[Any, Callable[..., Any]] = {}  # numpy function or ufunc -> what runs for a Tensor


def _as_tuple(numpy: Any) -> tuple[Any, ...]:
    return tuple(numpy) if isinstance(numpy, (tuple, list)) else (() if numpy is None else (numpy,))


def _claim_numpy(numpy: tuple[Any, ...], fn: Callable[..., Any]) -> None:
    for np_fn in numpy:
        if np_fn in NUMPY and NUMPY[np_fn] is not fn:
            raise ValueError(
                f"declare: {getattr(np_fn, '__name__', np_fn)!r} already stands for "
                f"{NUMPY[np_fn].__module__}.{NUMPY[np_fn].__qualname__}"
            )
        NUMPY[np_fn] = fn


def _attach(name: str, impl: Any, owner: Callable[..., Any]) -> None:
    """Make ``impl`` the Tensor attribute ``name``, refusing to replace one that exists."""
    if name in METHODS or any(name in vars(k) for k in Tensor.__mro__[:-1]):  # (not object's)
        raise ValueError(
            f"declare: Tensor already has an attribute {name!r}; "
            f"{owner.__module__}.{owner.__qualname__} cannot be declared as that method"
        )
    METHODS[name] = owner
    setattr(Tensor, name, impl)


def declare(
    fn: Fn | None = None,
    *,
    method: bool | str = False,
    numpy: Any = (),
    name: str | None = None,
    family: str | None = None,
    namespace: str | None = None,
) -> Any:
    """Declare ``fn`` a public op (use as a decorator, with or without arguments).

    Parameters
    ----------
    method : bool or str
        True: ``fn`` is also the Tensor method of the same name (``x.exp()`` is ``exp(x)``);
        a string: the method's name.
    numpy : numpy function or ufunc, or a tuple of them
        What ``fn`` stands for when numpy meets a Tensor: ``np.exp(t)`` calls ``fn(t)``.
    name : str, optional
        The public name (default ``fn.__name__``).
    family : str, optional
        The row of the README's op table (default: the defining module's name).
    namespace : str, optional
        For autograd_lite's own ops: ``"linalg"`` makes ``ag.linalg.<name>`` (numpy's
        ``np.linalg``) instead of ``ag.<name>``.

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> @ag.declare(method="cube")
    ... def cube(x):
    ...     return x * x * x
    >>> ag.tensor([2.0]).cube()
    tensor([8.], dtype=float32)
    """

    def register(fn: Fn) -> Fn:
        public = name or fn.__name__
        key = public if namespace is None else f"{namespace}.{public}"
        if key in DECLARED and DECLARED[key].function is not fn:
            raise ValueError(f"declare: an op named {key!r} is declared already")
        np_fns = _as_tuple(numpy)
        method_name = public if method is True else (method or None)
        if method_name is not None:
            _attach(method_name, fn, fn)
        _claim_numpy(np_fns, fn)
        module = fn.__module__.rpartition(".")[2]
        DECLARED[key] = Declaration(public, fn, method_name, np_fns, family or module, namespace)
        return fn

    return register if fn is None else register(fn)


def tensor_method(
    name: str | None = None, *, numpy: Any = (), property: bool = False
) -> Callable[[Fn], Fn]:
    """Declare a Tensor method that is not an ``ag`` function (``x.view``, ``x.T``, operators).

    The function's first parameter is the tensor. With ``property=True`` it becomes a
    read-only property; ``numpy`` as in :func:`declare`.
    """

    def register(fn: Fn) -> Fn:
        method_name = name or fn.__name__
        impl = builtins_property(fn) if property else fn
        _attach(method_name, impl, fn)
        _claim_numpy(_as_tuple(numpy), fn)
        return fn

    return register


builtins_property = property  # (``property`` is a parameter name above)


def exported() -> list[str]:
    """The names of autograd_lite's own ops, in declaration order: ``ag.<name>``."""
    return [d.name for d in DECLARED.values() if d.builtin and d.namespace is None]


# ------------------------------------------------------------------ generated files

STUB = Path(__file__).resolve().parent.parent / "_tensor_methods.pyi"
README = Path(__file__).resolve().parent.parent.parent / "README.md"
TABLE_BEGIN, TABLE_END = "<!-- op table: begin -->", "<!-- op table: end -->"
LINE_LENGTH = 100  # ruff's, for the generated stub


_LINE = 100  # the project's line length (pyproject.toml)


def _qualified(annotation: Any, fn: Callable[..., Any], shadowed: str, modules: set[str]) -> str:
    """``annotation`` with the names that methods of the stub's class shadow (a method ``int``
    makes a bare ``int`` in the class mean the method) written with their module, which is
    added to ``modules`` for the stub to import: ``builtins.int``."""

    def qualify(match: re.Match[str]) -> str:
        name = match[1]
        module = getattr(fn.__globals__.get(name, getattr(builtins, name, None)), "__module__", "")
        modules.add(module or "builtins")
        return f"{module or 'builtins'}.{name}"

    return re.sub(rf"(?<![\w.])({shadowed})\b", qualify, str(annotation))


def _method_stub(
    name: str, fn: Callable[..., Any], is_property: bool, shadowed: str, modules: set[str]
) -> str:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    rendered = ["self"]
    star = False
    for p in params[1:]:
        text = p.name
        if p.kind is p.VAR_POSITIONAL:
            text, star = "*" + text, True
        elif p.kind is p.VAR_KEYWORD:
            text = "**" + text
        elif p.kind is p.KEYWORD_ONLY and not star:
            rendered.append("*")
            star = True
        if p.annotation is not p.empty:
            text += f": {_qualified(p.annotation, fn, shadowed, modules)}"
        if p.default is not p.empty:
            text += " = ..."
        rendered.append(text)
    ret = sig.return_annotation
    ret = "Tensor" if ret in (sig.empty, "Any") else _qualified(ret, fn, shadowed, modules)
    line = f"    def {name}({', '.join(rendered)}) -> {ret}: ..."
    if len(line) > LINE_LENGTH:  # one parameter a line, as ruff format wraps it
        inner = "".join(f"        {text},\n" for text in rendered)
        line = f"    def {name}(\n{inner}    ) -> {ret}: ..."
    if name in ("__eq__", "__ne__"):  # elementwise, as numpy's and PyTorch's
        line += "  # type: ignore[override]"
    elif len(line) > _LINE:  # wrapped as ruff format would: all on one line, else one each
        inner = f"        {', '.join(rendered)}"
        if len(inner) > _LINE:
            inner = "\n".join(f"        {p}," for p in rendered)
        line = f"    def {name}(\n{inner}\n    ) -> {ret}: ..."
    return f"    @property\n{line}" if is_property else line


def render_stub() -> str:
    """The type stub of every method declared by autograd_lite's ops."""
    ours = {name: fn for name, fn in sorted(METHODS.items()) if fn.__module__.startswith(_BUILTIN)}
    shadowed = "|".join(name for name in ours if name.isidentifier() and not name.startswith("_"))
    modules: set[str] = set()
    methods = [
        _method_stub(name, fn, isinstance(getattr(Tensor, name), property), shadowed, modules)
        for name, fn in ours.items()
    ]
    body = "\n".join(methods)

    def used(*names: str) -> list[str]:
        return [n for n in names if re.search(rf"\b{n}\b", body)]

    ours_modules = [f"import {module}" for module in sorted(modules - {"builtins"})]
    imports = ["import builtins"] if "builtins" in modules else []
    imports += [f"from collections.abc import {', '.join(used('Callable', 'Sequence'))}"]
    imports += [f"from typing import {', '.join(used('Any'))}", ""]
    imports += ["import numpy as np", ""] if used("np") else []
    imports += [*ours_modules, ""] if ours_modules else []
    aliases = used("ArrayLike", "Axis", "DTypeLike", "ShapeLike")
    imports += [f"from ._typing import {', '.join(aliases)}"] if aliases else []
    header = [
        '"""Tensor methods declared by autograd_lite.ops, for type checkers.',
        "",
        "Generated by `python -m autograd_lite.ops` from the op declarations; do not edit.",
        '"""',
        "",
        *(line for line in imports if not line.endswith("import ")),
        "from .core import Tensor",
        "",
        "class TensorMethods:",
    ]
    return "\n".join(header) + "\n" + body + "\n"


def render_table() -> str:
    """The README's table of ops by family: every ``ag`` op, methods marked."""
    families: dict[str, list[str]] = {}
    for d in DECLARED.values():
        if d.builtin:
            # (a namespaced function is a method only if declared so: x.norm is PyTorch's)
            method = METHODS.get(d.name) is d.function if d.namespace else d.name in METHODS
            mark = f"`{d.qualname}`" + ("·" if method else "")
            families.setdefault(d.family, []).append(mark)
    rows = ["| family | ops (`ag.<name>`; · also a Tensor method) |", "|---|---|"]
    rows += [f"| {family} | {', '.join(names)} |" for family, names in families.items()]
    return "\n".join(rows)


def _replace_table(text: str) -> str:
    pattern = re.compile(re.escape(TABLE_BEGIN) + ".*?" + re.escape(TABLE_END), re.S)
    if not pattern.search(text):
        raise ValueError(f"README.md has no {TABLE_BEGIN} ... {TABLE_END} section")
    return pattern.sub(lambda _: f"{TABLE_BEGIN}\n{render_table()}\n{TABLE_END}", text)


def write_generated() -> None:
    """Rewrite the method stub and, in a source checkout, the README's op table."""
    import autograd_lite  # noqa: F401 - runs every declaration

    STUB.write_text(render_stub())
    if README.exists():
        README.write_text(_replace_table(README.read_text()))
