"""A quotewise process keeps torch out of spaCy's thinc, yet the tagger still gets torch; spaCy's
matrix products run on numpy's BLAS, one thread."""

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


def test_a_parsing_process_keeps_blas_to_one_thread():
    code = (
        "from pipeline.startup import prepare_to_parse; prepare_to_parse(); "
        "from threadpoolctl import threadpool_info; "
        "print(sorted({p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'}))"
    )
    assert run_python(code) == "[1]"


def test_spacy_multiplies_through_numpy_not_bundled_blis():
    from pipeline.segment import load_nlp

    nlp = load_nlp()
    for name in ("tok2vec", "parser", "ner"):
        ops = nlp.get_pipe(name).model.ops
        assert type(ops).__name__ == "NumpyOps" and ops.use_blis is False, name
    doc = nlp("Ms Greenwood said on Wednesday that around 9,000 people had crossed.")
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Ms Greenwood"]
