#!/usr/bin/env bash
# Prints the path of a Node 24 binary, installing it from the npm registry's
# `node@24` package into .tmp/node24 the first time (the package ships the
# official binary; no other download is involved).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.tmp/node24
bin="$PWD/$prefix/node_modules/node/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
fi
echo "$bin"
