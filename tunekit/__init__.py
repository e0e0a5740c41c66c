"""tunekit: hyper-parameter studies with Keras, from one-factor ablations to searches."""

from __future__ import annotations

__version__ = "0.1.0"
