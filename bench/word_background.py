"""Write embeddings/dense/word_background.json: the passages the answerability decision contrasts a word with.

    python -m bench.word_background

They are the first chunks of 16 open punkter spread evenly over the bundled minutes (data/referater), the
background the rule's thresholds were chosen with (docs/benchmarks.md). They ship with the package, so a
word's score is the same on a store of one meeting as on one of thousands: taken from the store itself,
a one-meeting store's background was that meeting, and every word it is about scored low
(word_match.py). Run again only together with bench.quality, since the thresholds assume this background.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bot.settings import PROJECT_DIR
from embeddings.dense.chunking import chunk_punkt
from embeddings.dense.word_match import BACKGROUND_FILE, background_passages
from embeddings.ingest.files import ingest_paths
from embeddings.store import Store


def first_chunks(store: Store) -> list[str]:
    """The first chunks of 16 open punkter spread evenly over ``store``."""
    spread = background_passages([uid for uid, _ in store.open_keys()])
    return [chunk_punkt(p)[0].text for p in store.get_many(spread)]


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="beslut-background-") as tmp:
        store = Store(Path(tmp) / "beslut.db")
        ingest_paths(store, [PROJECT_DIR / "data/referater"])
        passages = first_chunks(store)
    BACKGROUND_FILE.write_text(json.dumps(passages, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(passages)} passages written to {BACKGROUND_FILE.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
