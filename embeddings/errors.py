"""Expected failures: a stable code and the data that explains it. No words.

Code raises ``BeslutError(code, **params)``. The words a user reads are chosen at the top, in the Danish
catalogue (``bot.core.messages.user_message``), so this knowledge layer never depends on the chat layer.
A parameter may itself be a ``Reason`` (a nested code, e.g. why a JSON file has the wrong shape): the
catalogue renders it in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """A nested explanation inside an error's parameters: ``Reason("json_missing", field="Moede.Dato")``."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    def __init__(self, code: str, **params: object) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", params)


class BeslutError(Exception):
    """An expected failure with a stable code. The CLI exits with ``exit_code``; adapters show its message."""

    exit_code = 1

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


class ConfigError(BeslutError):
    """Bad or missing configuration (an environment variable, a start-up setting). The CLI exits 2.

    The message names the variable and, where there is one, the value it got.
    """

    exit_code = 2


class InputError(BeslutError):
    """A source file that cannot be ingested. Names the file and, where it applies, line and punkt."""

    def __init__(self, code: str, path: str, line: int | None = None, punkt: int | None = None,
                 **params: object) -> None:
        super().__init__(code, **params)
        self.path = path
        self.line = line
        self.punkt = punkt
