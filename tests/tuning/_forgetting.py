"""Make a study look recorded before its family gained a hyper-parameter."""

from __future__ import annotations

import json


def forget_hyper_parameter(study_dir, hp):
    """Make a study look recorded before its family had ``hp``: no file names it."""

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != hp}
        if isinstance(node, list):
            kept = [n for n in node if not (isinstance(n, dict) and _names(n) == hp)]
            return [strip(n) for n in kept]
        return node

    for path in [study_dir / "tunekit_study.json", *study_dir.glob("trial_*/*.json")]:
        path.write_text(json.dumps(strip(json.loads(path.read_text()))))


def _names(node):
    return node.get("config", {}).get("name") if isinstance(node.get("config"), dict) else None
