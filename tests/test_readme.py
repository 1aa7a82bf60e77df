"""The README cannot rot.

Every ```python block runs, each in a namespace of its own and in a temporary folder (a block
that imports torch only when PyTorch is installed); on a line ``print(...)  # text`` the
comment is what the line prints (``...`` matches anything, as in doctests); test functions a
block defines are called. Every shell command (in ```bash blocks and in `python ...` code
spans) names a script, module or pip extra that exists, and each ``--option`` given with it
(in the same paragraph) is one that the command defines. Paths and pictures it links to exist.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
CHECKER = doctest.OutputChecker()


def _blocks(language: str) -> list[tuple[int, str]]:
    """(line number, code) of each fenced block in ``language``."""
    return [
        (README.count("\n", 0, m.start()) + 2, m.group(2))
        for m in BLOCK.finditer(README)
        if m.group(1) == language
    ]


PYTHON = _blocks("python")


def _with_checked_prints(code: str) -> tuple[str, dict[int, str]]:
    """``code`` with each commented ``print(`` line calling ``__printed__(line, ...)``
    instead, and the expected output of each such line."""
    lines, expected = code.split("\n"), {}
    for i, line in enumerate(lines):
        statement, _, comment = line.partition("  # ")
        if statement.lstrip().startswith("print(") and comment:
            indent = statement[: len(statement) - len(statement.lstrip())]
            lines[i] = f"{indent}__printed__({i}, {statement.lstrip()[len('print(') :]}"
            expected[i] = comment
    return "\n".join(lines), expected


def test_the_readme_has_code_to_check():
    assert len(PYTHON) >= 5 and _blocks("bash")
    assert any(_with_checked_prints(code)[1] for _, code in PYTHON)


@pytest.mark.parametrize(("line", "code"), PYTHON, ids=[f"line {n}" for n, _ in PYTHON])
def test_python_block_runs_and_prints_what_it_says(line, code, tmp_path, monkeypatch):
    if re.search(r"^import torch\b", code, re.M):
        pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)  # blocks may write files (ag.save)
    source, expected = _with_checked_prints(code)
    printed: dict[int, str] = {}

    def __printed__(i, *args, sep=" ", end=""):
        printed[i] = sep.join(str(a) for a in args) + end

    namespace = {"__name__": f"readme_line_{line}", "__printed__": __printed__}
    exec(compile(source, f"README.md, block at line {line}", "exec"), namespace)
    for i, want in expected.items():
        got = printed.get(i)
        assert got is not None, f"README line {line + i}: the print did not run"
        assert CHECKER.check_output(want + "\n", got + "\n", doctest.ELLIPSIS), (
            f"README line {line + i} prints {got!r}, its comment says {want!r}"
        )
    for name, fn in list(namespace.items()):
        if name.startswith("test_") and callable(fn):
            fn()


# --------------------------------------------------------------------------- shell commands


def _paragraphs() -> list[str]:
    """The README's paragraphs and table rows, the ```bash blocks' lines each on their own."""
    text = BLOCK.sub(
        lambda m: "\n\n".join(m.group(2).split("\n")) if m.group(1) == "bash" else "", README
    )
    parts = []
    for paragraph in re.split(r"\n\s*\n", text):
        rows = paragraph.split("\n") if paragraph.startswith("|") else [paragraph]
        parts.extend(rows)
    return parts


def _commands() -> list[list[str]]:
    """Each python/pip command as its words (environment settings dropped), followed by the
    ``--options`` the same paragraph shows on their own."""
    commands = []
    for paragraph in _paragraphs():
        spans = re.findall(r"`([^`\n]+)`", paragraph)
        if not spans:  # a line of a bash block
            spans = [part.strip() for part in paragraph.split("  #")[0].split("&&")]
        found: list[list[str]] = []
        for span in spans:
            if not re.match(r"([A-Z_]+=\S*\s+)*(python|pip)\s|--\w", span):
                continue  # code, not a command
            words = [w for w in shlex.split(span) if not re.fullmatch(r"[A-Z_]+=\S*", w)]
            if words and words[0] in ("python", "pip"):
                found.append(words)
            elif words and words[0].startswith("--") and found:
                found[-1].extend(words)
        commands.extend(found)
    return commands


COMMANDS = list(dict.fromkeys(tuple(c) for c in _commands()))  # each once


def _source_of_module(name: str) -> str:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin, f"README: python -m {name}: no such module"
    origin = Path(spec.origin)
    if origin.name == "__init__.py":
        assert (origin.parent / "__main__.py").exists(), f"README: {name} has no __main__"
    if ROOT not in origin.parents:
        return ""  # (pytest, ...: not ours to check)
    return "\n".join(p.read_text(encoding="utf-8") for p in origin.parent.glob("*.py"))


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(w) for w in COMMANDS])
def test_command_refers_to_what_exists(words):
    if words[0] == "pip":
        pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        section = pyproject.split("[project.optional-dependencies]")[1].split("\n[")[0]
        extras = re.findall(r"^(\w+) = \[", section, re.M)  # (no tomllib on Python 3.10)
        for spec in words[1:]:
            wanted = re.fullmatch(r"\.\[([\w,]+)\]", spec)
            if wanted:
                assert set(wanted.group(1).split(",")) <= set(extras), spec
        return
    if words[1] == "-m":
        source, rest = _source_of_module(words[2]), words[3:]
    else:
        script = ROOT / words[1]
        assert script.is_file(), f"README: python {words[1]}: no such file"
        source = "\n".join(p.read_text(encoding="utf-8") for p in script.parent.glob("*.py"))
        rest = words[2:]
    if source:
        for option in (w for w in rest if w.startswith("--")):
            assert f'"{option}"' in source, f"README: {' '.join(words)}: no option {option}"


def test_the_commands_include_install_test_and_demo():
    said = {" ".join(w[:3]) for w in COMMANDS}
    assert {"pip install -e", "python -m pytest", "python -m autograd_lite"} <= said


def test_linked_files_and_named_paths_exist():
    links = re.findall(r"\]\(([^)#:\s]+)\)", README) + re.findall(r'src="([^"]+)"', README)
    named = [
        s.rstrip("/")
        for s in re.findall(r"`([\w./-]+)`", README)
        if "/" in s and re.match(r"(autograd_lite|tests|examples|docs|benchmarks|ops)/", s)
    ]
    assert links and named
    missing = [
        p
        for p in links + named
        if not any((base / p).exists() for base in (ROOT, ROOT / "autograd_lite"))
        and not p.startswith("benchmarks/results")  # written by the benchmarks
    ]
    assert not missing, f"README names files that do not exist: {missing}"


def test_the_jit_listing_is_what_the_example_prints(tmp_path):
    """The program listing shown under "The program" is the one jit_spiral.py prints."""
    shown = [code for _, code in _blocks("") if code.startswith("arguments: ")]
    assert len(shown) == 1
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "jit_spiral.py"), "--quick"],
        capture_output=True, text=True, cwd=tmp_path, check=True, timeout=600,
    )  # fmt: skip
    assert run.stdout.startswith(shown[0])
