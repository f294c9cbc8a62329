#!/usr/bin/env bash
# Installs what the test suite needs beyond the Swift toolchain: moto's server (PyPI) for the AWS tests.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
python="${ROOTGUARD_PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3 (e.g. apt-get install python3 python3-pip)" >&2
    exit 1
fi
if ! "$python" -c 'import moto, flask, flask_cors, werkzeug' >/dev/null 2>&1; then
    echo "Installing moto[server] from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'moto[server]>=5.1,<6'
fi
"$python" -c 'import moto; print("moto", moto.__version__)' >&2
