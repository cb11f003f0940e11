"""Every test can fail: read from the source of tests/, each test function checks something.

A test function checks something when its body (functions nested in it included) holds at least one of:
- an `assert` statement;
- a call of `pytest.raises`, `pytest.warns` or `pytest.fail`;
- a call of a helper whose name starts with `assert_`, `expect_` or `check_` (a function or a method; the
  helpers of that name under tests/ are held to the same rule, and may also `raise`);
- a library's own checking call named in LIBRARY_CHECKS.
A test whose point is only "does not raise" says so by calling a `check_` helper that does the work.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.support.source import syntax_nodes

TESTS = Path(__file__).parents[1]
HELPER_PREFIXES = ("assert_", "expect_", "check_")
PYTEST_CHECKS = frozenset({"raises", "warns", "fail"})
# schemathesis: `case.call_and_validate()` calls the route and raises on every failed check of the answer.
LIBRARY_CHECKS = frozenset({"call_and_validate"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def is_pytest_check(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in PYTEST_CHECKS and isinstance(func.value, ast.Name)
            and func.value.id == "pytest")


def checks_something(function: Function, *, raising_counts: bool = False) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert) or (raising_counts and isinstance(node, ast.Raise)):
            return True
        if isinstance(node, ast.Call) and (is_pytest_check(node) or called_name(node) in LIBRARY_CHECKS
                                           or called_name(node).startswith(HELPER_PREFIXES)):
            return True
    return False


def functions(pattern: str) -> Iterator[tuple[Path, Function]]:
    for path in sorted(TESTS.rglob(pattern)):
        for node in syntax_nodes(path):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path, node


def where(path: Path, function: Function) -> str:
    return f"{path.relative_to(TESTS.parent)}:{function.lineno} {function.name}"


def test_every_test_function_asserts_raises_or_calls_a_checking_helper() -> None:
    unchecked = [where(path, function) for path, function in functions("test_*.py")
                 if function.name.startswith("test_") and not checks_something(function)]
    assert unchecked == [], "test functions that check nothing:\n" + "\n".join(unchecked)


def test_every_checking_helper_asserts_or_raises() -> None:
    empty = [where(path, function) for path, function in functions("*.py")
             if function.name.startswith(HELPER_PREFIXES) and not checks_something(function, raising_counts=True)]
    assert empty == [], "helpers named as checks that check nothing:\n" + "\n".join(empty)


def test_the_check_finds_a_test_without_an_assertion_and_passes_one_with_each_kind() -> None:
    source = """
def test_nothing(): compute()
def test_asserts(): assert compute() == 1
def test_raises():
    with pytest.raises(ValueError): compute()
def test_helper(): check_answer(compute())
def test_method_helper(page): page.expect_title("x")
def test_library(case): case.call_and_validate()
"""
    found = {node.name: checks_something(node) for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.FunctionDef)}
    assert found == {"test_nothing": False, "test_asserts": True, "test_raises": True, "test_helper": True,
                     "test_method_helper": True, "test_library": True}
