"""The `beslut` console script: argument parsing, logging set-up and dispatch to subcommands.

Each subcommand lives in a small module with ``register(subparsers)`` and a ``run(args, wiring)``; the
wiring (bot/cli/ports.py) comes from the composition root, which calls ``run`` (bot/compose.py ``main``).
Exit codes: 0 success, 1 a BeslutError (Danish message on stderr), 2 a ConfigError or bad arguments,
130 interrupted, 141 stdout closed early by its reader (quietly, no traceback).
"""
from __future__ import annotations

import argparse
import os
import sys

from collections.abc import Callable
from contextlib import closing

from bot.cli import logs
from bot.cli.argparse_da import DanishArgumentParser
from bot.cli.home import dry_run_settings
from bot.cli.ports import Wiring
from bot.core import messages
from bot.settings import Settings
from embeddings.db import storage_error
from embeddings.errors import BeslutError

COMMAND_MODULES = ("bot.cli.store", "bot.cli.sync", "bot.cli.answers", "bot.cli.chat", "bot.cli.notify",
                   "bot.cli.backup")
# Exit code when the reader of stdout went away (`beslut meetings | head -1`): 128 + SIGPIPE, what a shell
# reports for any program stopped that way (`yes | head -1`), so `set -o pipefail` scripts see the same.
BROKEN_PIPE_EXIT = 141


def build_parser() -> argparse.ArgumentParser:
    """`beslut`'s parser: Danish help for every command, option and argument, and Danish argparse words."""
    parser = DanishArgumentParser(prog="beslut", description="Find kommunale beslutninger i referater.")
    parser.add_argument("-v", "--verbose", action="store_true", help="vis også fejlsøgningens log-linjer")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", title="kommandoer",
                                help="'beslut KOMMANDO -h' viser kommandoens egen hjælp")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: list[str] | None, wiring: Callable[[Settings], Wiring]) -> int:
    """Parse ``argv``, read Settings from the environment, run the command on ``wiring(settings)``."""
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        logs.configure(settings.log_format, verbose=args.verbose, service=getattr(args, "service", False))
        # a dry run changes nothing, not even BESLUT_HOME: with no store there it runs on a throwaway one
        with dry_run_settings(settings, getattr(args, "dry_run", False)) as run_settings:
            with closing(wiring(run_settings)) as ports:  # its store, before a dry run's throwaway home goes
                code = int(args.run(args, ports) or 0)
        sys.stdout.flush()  # a reader that stopped early fails here, not in the interpreter's exit flush
        return code
    except BeslutError as e:  # ConfigError (exit 2) included
        from bot.cli.render import printable  # messages may quote minutes: committee names, file names

        print(f"beslut: {printable(messages.user_message(e))}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # `beslut meetings | head -1`: the reader has what it wanted
        _discard_stdout()
        return BROKEN_PIPE_EXIT
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a database that is down, a BESLUT_HOME that cannot be written: one Danish line
        failure = storage_error(e, _storage(settings)) if settings is not None else None
        if failure is None:
            raise
        print(f"beslut: {messages.user_message(failure)}", file=sys.stderr)
        return failure.exit_code


def _storage(settings: Settings) -> str:
    """Where the store lives, for messages: the SQLite file, or the database URL without its password."""
    if settings.database_url:
        from sqlalchemy.engine import make_url

        return make_url(settings.database_url).render_as_string(hide_password=True)
    return str(settings.store_path)


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what is still buffered cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capturing output)
        pass

