"""The zxcvbn package (Dropbox's estimator, PyPI) as the oracle for `rootguard password check`: reads a JSON list of
passwords, writes a JSON list of {score, guesses_log10} in the same order."""
import json
import sys

from zxcvbn import zxcvbn

passwords = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for password in passwords:
    result = zxcvbn(password[:72])
    out.append({"score": result["score"], "guesses_log10": float(result["guesses_log10"])})
json.dump(out, sys.stdout)
