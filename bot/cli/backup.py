"""`beslut backup FILE`: a copy of the SQLite database while the service runs (README "Operations")."""
from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.ports import Wiring
from bot.core.messages import render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="kopiér SQLite-databasen (referater og chat-tilstand) til FIL, mens "
                                      "tjenesten kører (PostgreSQL: brug pg_dump)")
    p.add_argument("file", type=Path, metavar="FIL", help="backup-filen (skrives færdig og omdøbes til sidst)")
    p.set_defaults(run=run_backup)


def run_backup(args: argparse.Namespace, wiring: Wiring) -> int:
    report = wiring.backup(args.file)
    print(render("backup_done", path=report.path, size_mb=report.size / 1e6))
    return 0
