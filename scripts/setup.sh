#!/usr/bin/env bash
# Create .venv (once) and install everything the project needs, system packages included.
#
# - bubblewrap: the sandbox's file-system view (see README, "Sandbox"). Installed with apt when we are root.
# - chromium: the tests open the HTML report in headless Chromium (rendered, charts visible, no console error).
# - The venv is built from the system interpreter (/usr/bin/python3) when there is one: the sandbox runs
#   workers as unprivileged users, who cannot execute an interpreter under /root (pyenv's, say).
# - torch comes first, pinned to the 2.13.0 CPU wheel: any other torch request pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}; install them (e.g. 'sudo apt-get install ${missing[*]}')" >&2
  fi
fi
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=/usr/bin/python3
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" torch==2.13.0
"${pip[@]}" -e ".[dev,ray]"
