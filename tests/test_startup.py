"""A quotewise process keeps torch out of spaCy's thinc, yet the tagger still gets torch."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES, REPO


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_extract_with_the_fast_model_never_loads_torch(tmp_path):
    out = tmp_path / "records.jsonl"
    code = (
        "import sys; from pipeline.cli import main; "
        f"code = main(['extract', {str(EXAMPLES)!r}, '-o', {str(out)!r}, '--model', 'fast', '--no-progress']); "
        "print(code, 'spacy' in sys.modules, 'torch' in sys.modules)"
    )
    assert run_python(code) == "0 True False"
    assert len(out.read_text(encoding="utf-8").splitlines()) > 20


def test_torch_stays_importable_after_thinc_was_loaded_without_it():
    code = (
        "from pipeline.startup import keep_torch_out_of_thinc; keep_torch_out_of_thinc(); "
        "import thinc.compat, torch; print(thinc.compat.has_torch, torch.ones(2).sum().item())"
    )
    assert run_python(code) == "False 2.0"
