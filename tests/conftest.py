"""Shared fixtures: a clean environment, paths to bundled and shared data."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data" / "referater"
SHARED = PROJECT.parent / "shared"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No test sees the developer's environment; BESLUT_HOME points at a fresh temp dir."""
    for k in list(os.environ):
        if k.startswith(("BESLUT_", "SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("BESLUT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED
