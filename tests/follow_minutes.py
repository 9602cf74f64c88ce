"""New minutes for the following tests (bot/notify/): one continues case 83.02.00-A00-1-23 (the bundled
telefontider case) with a decision that never mentions telefontider, one holds a decision about telefontider
under another case, and each has an unrelated punkt that nobody follows."""
from __future__ import annotations

from pathlib import Path

CASE = "83.02.00-A00-1-23"
TOPIC = "telefontider"

CASE_NEXT_DECISION = "Chefforum tog orienteringen om status til efterretning og bad om en ny status i marts 2025."
CASE_NEXT = f"""REFERAT Chefforum d. 30-10-2024

Punkt 1: CF - Status på implementering

{CASE}

Indstilling

Direktøren indstiller, at orienteringen tages til efterretning.

Beslutning

{CASE_NEXT_DECISION}

Punkt 2: CF - Hundeskov i Nordparken

85.11.00-A00-3-24

Beslutning

Chefforum anbefalede en hundeskov i Nordparken.
"""
CASE_NEXT_CITATION = f"Chefforum · 30. oktober 2024 · punkt 1 · sag {CASE}"

TOPIC_DECISION = "Økonomiudvalget besluttede nye telefontider for borgerservice fra 1. januar 2025."
TOPIC_NEW = f"""REFERAT Økonomiudvalget d. 05-11-2024

Punkt 1: ØU - Åbningstid i borgerservice

00.01.00-A00-5-24

Beslutning

{TOPIC_DECISION}

Punkt 2: ØU - Vinterbadning ved stranden

04.02.00-A00-8-24

Beslutning

Økonomiudvalget godkendte en badebro til vinterbadning.
"""
TOPIC_CITATION = "Økonomiudvalget · 5. november 2024 · punkt 1 · sag 00.01.00-A00-5-24"
UNRELATED = ("Hundeskov i Nordparken", "Vinterbadning ved stranden", "hundeskov", "badebro")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
