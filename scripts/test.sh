#!/usr/bin/env bash
# Set up (if needed), then run the whole test suite (engine, CLI, and every exercise's soundness).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python -m pytest "$@"
