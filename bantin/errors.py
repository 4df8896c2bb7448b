"""Errors users can cause: located, in Vietnamese, collected so a run reports all of them."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a source file: where, what is wrong, what to write instead."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    warning: bool = False

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "cảnh báo: " if self.warning else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}: {kind}{self.message}{hint}"


@dataclass
class Diagnostics:
    """Collects errors and warnings of one run."""

    root: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)
    _root: Path | None = field(default=None, repr=False)

    def rel(self, path: Path | str) -> str:
        if self.root is not None:
            if self._root is None:
                self._root = self.root.resolve()
            # A plain path under the root (every source found by walking it): cut as text,
            # as pathlib would (pathlib costs ~20 µs a call, asked for by every article).
            text, head = os.fspath(path), os.path.join(self._root, "")
            if text.startswith(head):
                parts = text[len(head):].split(os.sep)
                if "" not in parts and "." not in parts and ".." not in parts:
                    return "/".join(parts)
        p = Path(path)
        if self._root is not None:
            with contextlib.suppress(ValueError):
                return p.relative_to(self._root).as_posix()
            with contextlib.suppress(ValueError):  # resolving costs a stat per folder
                return p.resolve().relative_to(self._root).as_posix()
        return p.as_posix()

    def error(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint))

    def warn(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint, warning=True))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.warning]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.warning]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.errors, self.warnings)


class BantinError(Exception):
    """Base class of errors reported to the user without a traceback."""

    exit_code = 1


class ContentError(BantinError):
    """The sources have errors; every one of them is listed."""

    def __init__(self, diagnostics: list[Diagnostic], warnings: list[Diagnostic] | None = None,
                 ) -> None:
        self.diagnostics = diagnostics
        # Found on the way: shown too, as a warning can explain an error (a misspelt key
        # next to the missing one it was meant to be).
        self.warnings = warnings or []
        super().__init__("\n".join(d.format() for d in diagnostics))


class UsageError(BantinError):
    """The command line is wrong (exit code 2)."""

    exit_code = 2


class ImportFailed(BantinError):
    """An input file of `bantin import` cannot be read (exit code 1)."""
