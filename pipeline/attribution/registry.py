"""The registry of attribution extractors, in the manner of spaCy's registries.

An extractor turns one segmented article (a spaCy ``Doc`` whose ``doc._.article`` is the
:class:`~pipeline.schema.Article`) into :class:`~pipeline.schema.Attribution` objects.
Models register a factory under a name (``fast``, ``default``, ``accurate``); the factory
is called once per process, so weights load once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from spacy.tokens import Doc

from pipeline.schema import Attribution


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


def _load_builtin() -> None:
    # Importing the model modules runs their @register decorators.
    import pipeline.attribution.extractor  # noqa: F401
    import pipeline.attribution.rules  # noqa: F401


def available() -> list[str]:
    _load_builtin()
    return sorted(_FACTORIES)


@lru_cache(maxsize=None)
def get_extractor(name: str) -> Extractor:
    _load_builtin()
    if name not in _FACTORIES:
        raise KeyError(f"unknown model {name!r}; available: {', '.join(sorted(_FACTORIES))}")
    return _FACTORIES[name]()
