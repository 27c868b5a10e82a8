#!/usr/bin/env bash
# Set up (if needed), then grade the bundled sample class into grader-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/grader grade examples/class --out grader-out "$@"
