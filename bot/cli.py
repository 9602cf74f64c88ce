"""The `beslut` console script: argument parsing, logging set-up and dispatch to subcommands.

Each subcommand lives in a small module with ``register(subparsers)`` and a ``run(args, settings)``.
"""
from __future__ import annotations

import argparse
import logging
import sys

from bot.errors import BeslutError
from bot.settings import Settings

COMMAND_MODULES = ("bot.cmd_store", "bot.cmd_answers", "bot.cmd_chat")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beslut", description="Find kommunale beslutninger i referater.")
    parser.add_argument("-v", "--verbose", action="store_true", help="vis log-linjer (til drift)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not args.verbose:
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    try:
        settings = Settings.from_env()
        return int(args.run(args, settings) or 0)
    except BeslutError as e:
        print(f"beslut: {e.user_message}", file=sys.stderr)
        return e.exit_code
    except ValueError as e:  # bad configuration values from the environment
        print(f"beslut: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
