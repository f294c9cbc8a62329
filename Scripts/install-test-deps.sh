#!/usr/bin/env bash
# Installs what the test suite needs beyond the Swift toolchain: moto's server, jsonschema, cfn-lint, python-hcl2,
# awscli 1.x and zxcvbn (PyPI) for the AWS tests, the report schemas and the infrastructure code, ocsf-json-schema and py-ocsf-models for OCSF, duckdb and sqlglot for the Athena SQL, Chromium (Debian) for the HTML reports, libdeflate (Debian) for trail's speed.
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
if ! "$python" -c 'import jsonschema' >/dev/null 2>&1; then
    echo "Installing jsonschema from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'jsonschema>=4,<5'
fi
# cfn-lint checks the CloudFormation that `harden` writes; python-hcl2 parses its Terraform.
if ! command -v cfn-lint >/dev/null 2>&1 || ! "$python" -c 'import cfnlint' >/dev/null 2>&1; then
    echo "Installing cfn-lint from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'cfn-lint>=1,<2'
fi
if ! "$python" -c 'import hcl2' >/dev/null 2>&1; then
    echo "Installing python-hcl2 from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'python-hcl2>=4'
fi
# Two independent OCSF consumers check the OCSF outputs: the official 1.6.0 schema as JSON Schema, and Prowler's models.
if ! "$python" -c 'import ocsf_json_schema, py_ocsf_models' >/dev/null 2>&1; then
    echo "Installing ocsf-json-schema and py-ocsf-models from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'ocsf-json-schema>=1.2,<2' 'py-ocsf-models>=0.10,<1'
fi
# DuckDB runs the Athena SQL of `trail athena` on a generated corpus; sqlglot transpiles it from Trino and parses the DDL.
if ! "$python" -c 'import duckdb, sqlglot' >/dev/null 2>&1; then
    echo "Installing duckdb and sqlglot from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'duckdb>=1.1,<2' 'sqlglot>=25'
fi
# zxcvbn (Dropbox's password strength estimator) is the oracle for `password check`.
if ! "$python" -c 'import zxcvbn' >/dev/null 2>&1; then
    echo "Installing zxcvbn from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'zxcvbn==4.5.0'
fi
# awscli 1.x is the reference for log file integrity: its `cloudtrail validate-logs` judges the same tampered trails.
if ! "$python" -c 'import awscli.customizations.cloudtrail.validation' >/dev/null 2>&1; then
    echo "Installing awscli 1.x from PyPI…" >&2
    "$python" -m pip install --quiet --disable-pip-version-check 'awscli>=1.40,<2'
fi
"$python" -c 'import moto; print("moto", moto.__version__)' >&2
# Debian packages: one update at most, only when something is missing.
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$@" >/dev/null 2>&1; }
    else
        return 1
    fi
}
# Chromium renders the HTML reports in the browser tests.
if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing chromium from Debian…" >&2
    apt_install chromium || { echo "error: chromium is needed by the HTML report tests (apt-get install chromium)" >&2; exit 1; }
fi
# libdeflate makes `rootguard trail` about twice as fast; it is loaded at run time, so this is optional.
if ! ldconfig -p 2>/dev/null | grep -q 'libdeflate.so.0'; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing libdeflate0 from Debian…" >&2
        (apt-get install -y -qq libdeflate0 >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libdeflate0 >/dev/null 2>&1; }) \
            || echo "warning: could not install libdeflate0; trail will use zlib" >&2
    else
        echo "note: libdeflate0 is not installed (apt-get install libdeflate0); trail will use zlib" >&2
    fi
fi
