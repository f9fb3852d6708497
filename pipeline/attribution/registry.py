"""The registry of attribution extractors, in the manner of spaCy's registries.

An extractor turns one segmented article (a spaCy ``Doc`` whose ``doc._.article`` is the
:class:`~pipeline.schema.Article`) into :class:`~pipeline.schema.Attribution` objects.
Models register a factory under a name (``fast``, ``default``, ``accurate``); the factory
is called once per process, so weights load once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from pipeline.schema import Attribution

if TYPE_CHECKING:
    from spacy.tokens import Doc


class Extractor(Protocol):
    name: str

    def __call__(self, doc: Doc) -> list[Attribution]: ...


_FACTORIES: dict[str, Callable[[], Extractor]] = {}


def register(name: str) -> Callable[[Callable[[], Extractor]], Callable[[], Extractor]]:
    """Decorator: make ``factory`` available as ``get_extractor(name)``."""

    def wrap(factory: Callable[[], Extractor]) -> Callable[[], Extractor]:
        _FACTORIES[name] = factory
        return factory

    return wrap


# The built-in models and the module whose @register decorator defines each. Imported only
# when asked for: listing models must not load spaCy and torch (a -j N parent never needs them).
BUILTIN = {
    "fast": "pipeline.attribution.rules",
    "default": "pipeline.attribution.extractor",
    "accurate": "pipeline.attribution.extractor",
}


def available() -> list[str]:
    return sorted(set(BUILTIN) | set(_FACTORIES))


@lru_cache(maxsize=None)
def get_extractor(name: str) -> Extractor:
    if name in BUILTIN:
        importlib.import_module(BUILTIN[name])
    if name not in _FACTORIES:
        raise KeyError(f"unknown model {name!r}; available: {', '.join(available())}")
    return _FACTORIES[name]()
