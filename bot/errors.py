"""Errors that carry a Danish user message.

Code raises ``BeslutError(code, **params)``; ``user_message`` renders the Danish text from
``bot.messages``. Adapters show ``user_message`` for a BeslutError and a short apology for anything else.
"""
from __future__ import annotations


class BeslutError(Exception):
    """An expected failure with a message for the user (Danish) and a stable code."""

    exit_code = 1

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")

    @property
    def user_message(self) -> str:
        from bot.messages import render

        return render(self.code, **self.params)


class ConfigError(BeslutError):
    """Bad or missing configuration (an environment variable, a start-up setting). The CLI exits 2.

    The message names the variable and, where there is one, the value it got.
    """

    exit_code = 2


class InputError(BeslutError):
    """A source file that cannot be ingested. Names the file and, where it applies, line and punkt."""

    def __init__(self, code: str, path: str, line: int | None = None, punkt: int | None = None,
                 **params: object) -> None:
        super().__init__(code, path=path, line=line, punkt=punkt, **params)
        self.path = path
        self.line = line
        self.punkt = punkt

    @property
    def user_message(self) -> str:
        from bot.messages import render, where

        return f"{where(self.path, self.line, self.punkt)}: {render(self.code, **self.params)}"
