"""Where the repository's data lives: committed models and gold, found from the package itself."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO / "models"
