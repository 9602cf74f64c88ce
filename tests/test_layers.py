"""The layers of the code (README "Code layout") hold: import-linter's contracts in pyproject.toml.

embeddings (knowledge) <- bot.core <- {bot.cli, bot.slack, bot.teams, bot.digest, bot.web} <- bot.compose;
an upward import, or one adapter importing another, fails here. Run as its own process: import-linter
reconfigures logging (it disables the loggers that exist), which other tests rely on.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PROJECT


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout
