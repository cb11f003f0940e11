"""What a template sees: lead and sender fields as Records, empty values as Missing, unknown names as failures.

A name the template uses must exist (StrictUndefined) and must not be empty: None, "" or blanks become `Missing`,
which fails when printed but which the `default` filter replaces.
"""

from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from jinja2 import UndefinedError
from jinja2.runtime import StrictUndefined, Undefined
from jinja2.utils import missing


class FieldFailure(UndefinedError):
    """Raised inside Jinja by an undefined or empty value; turned into a TemplateProblem outside."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class StrictField(StrictUndefined):
    """StrictUndefined whose failure names the field (`lead.frist_name`) and keeps sandbox refusals."""

    __slots__ = ()

    def _field_path(self) -> str:
        name = str(self._undefined_name)
        owner = self._undefined_obj
        return f"{owner._path}.{name}" if isinstance(owner, Record) else name

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        owner = self._undefined_obj
        if isinstance(owner, Undefined):  # `x.__class__.__mro__`: the first failure is the one to report
            owner._fail_with_undefined_error()
        if self._undefined_exception is not UndefinedError:  # a sandbox refusal (SecurityError)
            raise self._undefined_exception(self._undefined_message)
        path = self._field_path()
        if owner is missing or isinstance(owner, Record):
            raise FieldFailure(f"undefined variable {path!r} in template", path)
        raise FieldFailure(f"{self._undefined_message} in template", path)


def _fail(self: StrictField, *args: Any, **kwargs: Any) -> NoReturn:
    self._fail_with_undefined_error()


# Jinja binds its operators to the base class's failure function; route them through ours. `repr` too, so that
# `{{ [x.__class__] }}` or `{{ [first_name] }}` fails instead of printing "[Undefined]".
for _name, _value in (*vars(Undefined).items(), *vars(StrictUndefined).items()):
    if _value is Undefined._fail_with_undefined_error and _name.startswith("__"):
        setattr(StrictField, _name, _fail)
StrictField.__repr__ = _fail  # type: ignore[method-assign,assignment]


class Missing(StrictField):
    """A None or empty value in the context: an error when rendered, a fallback for `default`, false in `if`."""

    __slots__ = ()

    def __init__(self, field: str) -> None:
        super().__init__(name=field)

    @property
    def field(self) -> str:
        return str(self._undefined_name)

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        whose = "sender" if self.field.startswith("sender.") else "lead"
        raise FieldFailure(f"template needs {self.field}, which is empty for this {whose}", self.field)

    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __len__(self) -> int:  # type: ignore[override]
        return 0

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(())


def is_empty(value: Any) -> bool:
    return value is None or isinstance(value, Undefined) or (isinstance(value, str) and not value.strip())


def wrap(path: str, value: Any) -> Any:
    if isinstance(value, Undefined):
        return value
    if is_empty(value):
        return Missing(path)
    if isinstance(value, Mapping):
        return Record(path, value)
    return value


class Record:
    """A mapping seen by a template: `lead.first_name` and `lead["first_name"]`, with empty values Missing.

    It has no public methods, so a field is never shadowed by one (`custom.items` is the custom field).
    """

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: Mapping[str, Any]) -> None:
        self._path = path
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._values:
            raise AttributeError(name)
        return wrap(f"{self._path}.{name}", self._values[name])

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, str) or key not in self._values:
            raise KeyError(key)
        return wrap(f"{self._path}.{key}", self._values[key])

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __str__(self) -> str:
        return str(dict(self._values))
