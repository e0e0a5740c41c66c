#!/usr/bin/env bash
# Set up tunekit on a fresh machine: a virtual environment in .venv with tunekit and its
# test tools, and real Fashion-MNIST from Debian's dataset-fashion-mnist package where
# apt-get is available. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# tunekit is installed in editable mode, so only a change of pyproject.toml (its
# dependencies) needs pip again; the stamp remembers which one was installed.
STAMP=.venv/.tunekit-installed
WANTED=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -x .venv/bin/tunekit ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANTED" ]; then
  echo "[setup] tunekit is installed and pyproject.toml is unchanged"
else
  # -qq: errors still show; warnings about a machine's own index settings do not.
  .venv/bin/python -m pip install -qq --upgrade pip
  echo "[setup] installing tunekit and its dependencies (TensorFlow is ~600 MB the first time)"
  # setuptools warns about every editable install in general terms; nothing to act on.
  PYTHONWARNINGS=ignore .venv/bin/python -m pip install -qq -e ".[dev]"
  echo "$WANTED" > "$STAMP"
fi

FMNIST=/usr/share/datasets/fashion-mnist
if [ -f "$FMNIST/train-images-idx3-ubyte.gz" ]; then
  echo "[setup] Fashion-MNIST found in $FMNIST"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[setup] installing Fashion-MNIST (Debian package dataset-fashion-mnist)"
  apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null \
    || echo "[setup] could not install dataset-fashion-mnist; see README 'Data'"
else
  echo "[setup] Fashion-MNIST not installed: run 'sudo apt-get install dataset-fashion-mnist'" \
       "or put the four IDX files in ~/.keras/datasets/fashion-mnist (README 'Data')."
fi
echo "[setup] done: activate with 'source .venv/bin/activate'"
