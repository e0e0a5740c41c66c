"""``python -m tunekit`` runs the CLI."""

from tunekit.cli import main

main()
