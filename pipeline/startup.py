"""What a process that quotewise owns (the CLI, its workers) does before it imports spaCy."""

from __future__ import annotations

import sys


def prepare_to_parse() -> None:
    """Set up a process that will parse with spaCy: thinc without torch, and one BLAS thread."""
    keep_torch_out_of_thinc()
    one_blas_thread()


def keep_torch_out_of_thinc() -> None:
    """Import thinc's compatibility module while torch is hidden, so that it does not load torch.

    thinc (spaCy's machine-learning layer) imports torch whenever it is installed, to offer
    PyTorch-backed layers: 1.6 s of CPU and about 150 MB in every process. en_core_web_sm runs on
    numpy, and quotewise's tagger imports torch itself when a model needs it, so torch stays
    importable for everything else. Not for library use: a spaCy pipeline built on thinc's
    PyTorch layers (en_core_web_trf) needs them, and the caller's process may run one.
    """
    if "thinc.compat" in sys.modules or "torch" in sys.modules:
        return  # too late, or torch is loaded anyway
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import thinc.compat  # noqa: F401
    finally:
        del sys.modules["torch"]


def one_blas_thread() -> None:
    """Keep numpy's BLAS (which runs spaCy's matrix products, see ``segment.load_nlp``) to one
    thread, as thinc's own BLIS was: the ``-j N`` workers take one core each, and spaCy's
    matrices are too small for a second thread to pay for itself."""
    import numpy  # noqa: F401  (loads the BLAS library that threadpoolctl then finds)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
