"""Run every command of the README's ``bash`` blocks in order, and time each one.

A new user follows the README from top to bottom; this does the same in a fresh
clone and prints one line per command with its exit code and wall time. Blocks
fenced as ``bash`` are meant to be run as written; templates (other machines,
placeholders) and multi-hour study files are fenced as ``text``.

    git clone /work/main /tmp/fresh && python benchmarks/readme_commands.py /tmp/fresh

Output lines: ``rc  seconds  command``; the last line is ``N of M commands exited 0``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands(readme: str) -> list[str]:
    """The commands of the README's bash blocks, comments and continuations joined."""
    commands: list[str] = []
    for block in _BLOCK.findall(readme):
        pending = ""
        for line in block.splitlines():
            line = line.split("  #")[0].rstrip() if not line.startswith("#") else ""
            if not line.strip():
                continue
            if line.endswith("\\"):
                pending += line[:-1].strip() + " "
                continue
            commands.append((pending + line.strip()).strip())
            pending = ""
    return commands


def main() -> int:
    """Run the commands in ``clone`` (default: this checkout) and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, nargs="?", default=Path(__file__).parents[1])
    parser.add_argument("--log", type=Path, help="append every command's output here")
    args = parser.parse_args()
    commands = readme_commands((args.clone / "README.md").read_text())
    passed = 0
    for command in commands:
        start = time.perf_counter()
        shell = f"[ -f .venv/bin/activate ] && source .venv/bin/activate; {command}"
        result = subprocess.run(
            ["bash", "-c", shell], cwd=args.clone, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        passed += result.returncode == 0
        print(f"{result.returncode:>3}  {seconds:8.1f}  {command}", flush=True)
        if args.log:
            with args.log.open("a") as log:
                log.write(f"$ {command}\n{result.stdout}{result.stderr}\n")
    print(f"{passed} of {len(commands)} commands exited 0")
    return 0 if passed == len(commands) else 1


if __name__ == "__main__":
    sys.exit(main())
