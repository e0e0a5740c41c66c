#!/usr/bin/env bash
# One command: set everything up, then run the main job, the seed study's width study
# of the reference MLP on full Fashion-MNIST (6 trials: the reference three times, for
# the seed-noise floor, and 3 other widths; README.md says how long it took). Extra arguments go to `tunekit study`, e.g. ./quickstart.sh --subset 5000 --epochs 3
# (a study made with other settings goes to its own directory, runs/mlp-fashion_mnist-2).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
.venv/bin/tunekit study mlp --space width "$@"
