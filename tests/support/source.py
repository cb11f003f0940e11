"""Python source read as syntax trees, for the tests that check rules over the whole package or the whole suite.

Several of those tests walk the same few hundred files; each file is parsed and walked once per process."""

import ast
import functools
from pathlib import Path


@functools.cache
def syntax_nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of a file's syntax tree, in `ast.walk` order."""
    return tuple(ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))))
