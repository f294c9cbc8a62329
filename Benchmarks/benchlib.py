"""What the benchmark scripts share: rootguard's moto server (with its root-user plugin) on 127.0.0.1."""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PLUGIN = os.path.join(ROOT, "Sources/RootGuardTesting/Moto/rootguard_moto.py")


def start_moto():
    """Starts the moto server on a free port; returns the process and the port."""
    process = subprocess.Popen([sys.executable, PLUGIN, "--port", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    match = re.match(r"ROOTGUARD_MOTO_PORT=(\d+)", process.stdout.readline())
    if not match:
        raise SystemExit("moto server did not start: run Scripts/install-test-deps.sh")
    return process, int(match.group(1))
