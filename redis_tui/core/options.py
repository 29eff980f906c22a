"""Declared settings: each options dataclass names its config keys, their limits and meaning once.

A field declared with ``option(default, key, doc)`` is a key of the dataclass's config table. From
those declarations `Options.schema()` is what the config file checks a table against,
`Options.from_section()` reads a table (plus overrides) into the dataclass, and `Key.arg_type()`
turns a command-line string into a checked value (argparse ``type=``), with the same words.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any, ClassVar, Self

KEY = "redis_tui.key"  # where option() keeps the Key in a field's metadata


def is_number(value: Any) -> bool:
    """An int or a float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_whole(value: Any) -> bool:
    """An int (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Key:
    """One config key: a check, the words for what it must be, how a command-line string becomes one."""

    check: Callable[[Any], bool]
    expected: str
    convert: Callable[[str], Any] = str
    doc: str = ""

    def parse(self, text: str) -> Any:
        """`text` converted and checked, or ValueError ``expected …, got '…'``."""
        try:
            value = self.convert(text)
        except ValueError:
            raise ValueError(f"expected {self.expected}, got {text!r}") from None
        if not self.check(value):
            raise ValueError(f"expected {self.expected}, got {text!r}")
        return value

    def arg_type(self) -> Callable[[str], Any]:
        """An argparse ``type=``: `parse`, with its message as the argument error."""

        def convert(text: str) -> Any:
            try:
                return self.parse(text)
            except ValueError as exc:
                raise argparse.ArgumentTypeError(str(exc)) from None

        return convert


def number(expected: str, *, above: float | None = None, at_least: float | None = None,
           at_most: float | None = None) -> Key:
    """A number (int or float) within the given bounds."""

    def check(value: Any) -> bool:
        return (is_number(value) and (above is None or value > above) and (at_least is None or value >= at_least)
                and (at_most is None or value <= at_most))

    return Key(check, expected, float)


def whole(expected: str, *, at_least: int | None = None, at_most: int | None = None,
          among: tuple[int, ...] | None = None) -> Key:
    """A whole number within the given bounds (or one of `among`)."""

    def check(value: Any) -> bool:
        return (is_whole(value) and (at_least is None or value >= at_least) and (at_most is None or value <= at_most)
                and (among is None or value in among))

    return Key(check, expected, int)


def text(expected: str, valid: Callable[[str], bool] = lambda value: True) -> Key:
    """A string that `valid` accepts."""
    return Key(lambda value: isinstance(value, str) and valid(value), expected)


FLAG = Key(lambda value: isinstance(value, bool), "true or false")
COUNT = whole("a whole number, 1 or more", at_least=1)
POSITIVE = number("a number above 0", above=0)
PERCENT = number("a percentage above 0, at most 100", above=0, at_most=100)


def option(default: Any, key: Key, doc: str, *, factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field that is also a config key: its default (or `factory`), check and meaning."""
    metadata = {KEY: replace(key, doc=doc)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


class Options:
    """Base of a frozen options dataclass whose config keys are declared with `option()`."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @classmethod
    def schema(cls) -> dict[str, Key]:
        """Config key → Key, in declaration order (fields without `option()` are not config keys)."""
        return {f.name: f.metadata[KEY] for f in fields(cls) if KEY in f.metadata}

    @classmethod
    def arg_type(cls, name: str) -> Callable[[str], Any]:
        """The argparse ``type=`` for a command-line flag that overrides config key `name`."""
        return cls.schema()[name].arg_type()

    @classmethod
    def from_section(cls, section: Mapping[str, Any], **overrides: Any) -> Self:
        """The defaults, overridden by a config table, then by `overrides` (None: not given).

        Every value is checked against its key: ValueError ``NAME must be …, got …``.
        """
        schema = cls.schema()
        names = {f.name for f in fields(cls)}
        given = {name: value for name, value in overrides.items() if value is not None}
        values = {**section, **given}
        for name, value in values.items():
            if name not in names:
                raise ValueError(f"unknown key {name!r} (known: {', '.join(schema)})")
            key = schema.get(name)
            if key is not None and not key.check(value):
                raise ValueError(f"{name} must be {key.expected}, got {value!r}")
        return cls(**values)
