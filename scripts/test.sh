#!/usr/bin/env bash
# Set up (if needed), then run the whole test suite (engine, CLI, and every exercise's soundness).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# One test process per core, each with its own warm worker pool (pytest-xdist).
.venv/bin/python -m pytest -n "$(nproc)" --dist loadgroup "$@"
