#!/usr/bin/env bash
# `pnpm lint:pkg`: every package as it would be published. publint checks the
# package.json against the files; @arethetypeswrong/cli checks that the types
# resolve for ESM and CJS consumers (Node 16+ resolution and bundlers: the
# packages need Node >= 20, so node10 resolution is out of scope). attw reads
# the tarball `pnpm pack` writes, which has the workspace: ranges replaced,
# as `pnpm publish` would.
set -euo pipefail
cd "$(dirname "$0")/.."
packed=.tmp/packed
rm -rf "$packed" && mkdir -p "$packed"
for package in packages/*/; do
  (cd "$package" && pnpm exec publint --strict)
  (cd "$package" && pnpm pack --pack-destination "../../$packed" >/dev/null)
done
for tarball in "$packed"/*.tgz; do
  pnpm exec attw --profile node16 --format table-flipped "$tarball"
done
