#!/bin/sh
# Builds the in-process reference ct_limit (Benchmarks/reference/ct_limit.cpp) into .build-bench/ct_limit,
# installing its Debian build dependencies first when they are missing. Prints the binary's path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../.build-bench"
mkdir -p "$out"
if [ ! -x "$out/ct_limit" ] || [ "$here/ct_limit.cpp" -nt "$out/ct_limit" ]; then
    if ! dpkg -s g++ zlib1g-dev libdeflate-dev libisal-dev libsimdjson-dev >/dev/null 2>&1; then
        echo "installing g++ zlib1g-dev libdeflate-dev libisal-dev libsimdjson-dev (Debian)…" >&2
        apt-get install -y g++ zlib1g-dev libdeflate-dev libisal-dev libsimdjson-dev >/dev/null
    fi
    g++ -O2 -std=c++17 -o "$out/ct_limit" "$here/ct_limit.cpp" -lz -ldeflate -lisal -lsimdjson -lpthread
fi
echo "$out/ct_limit"
