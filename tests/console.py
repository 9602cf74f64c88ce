"""`beslut ARGS` in-process, as the console script runs it, for tests that drive the command line."""
from __future__ import annotations

from bot.compose import main


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `beslut ARGS`; a usage error is SystemExit, as in the console script."""
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err
