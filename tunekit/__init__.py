"""tunekit: hyper-parameter studies with Keras, from one-factor ablations to searches.

As a library: ``tunekit.open_study(path)`` reads a study directory into a ``Study``
and ``tunekit.run_study(family, space, ...)`` runs or resumes one (see
``tunekit.api``). They are imported when first used, so ``import tunekit`` stays light.
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = ("Study", "open_study", "run_study")


def __getattr__(name: str) -> object:
    if name in _API:
        from tunekit import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Study", "__version__", "open_study", "run_study"]
