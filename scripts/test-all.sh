#!/usr/bin/env bash
# Everything CI checks: build, types, package lint, a credential scan of
# fixtures/, the demo, the test suite, the interop suite (cassettes shared with
# the real vcrpy and Ruby VCR) and the fault-injection suite (killed writers,
# tmpfs mounts: root, as CI runs) on both Node legs (Node 20 with undici 7 /
# got 14, Node 24 with undici 8 / got 16; vitest.config.ts picks the majors by
# Node version), then the consumer projects built from the packed packages on
# both legs.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

pnpm build
pnpm typecheck
pnpm lint:pkg
echo
echo "== vcrjs scan fixtures/ (the fixtures hold no credential; tests plant theirs in temporary folders)"
node packages/cli/dist/cli.js scan fixtures/

run_leg() {
  local node=$1 name=$2
  echo
  echo "== tests on Node $("$node" --version)"
  "$node" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile=".tmp/vitest-$name.json"
  echo
  echo "== interop with vcrpy and Ruby VCR on Node $("$node" --version)"
  "$node" node_modules/vitest/vitest.mjs run --config vitest.interop.config.ts --reporter=default --reporter=json --outputFile=".tmp/vitest-interop-$name.json"
  echo
  echo "== fault injection on Node $("$node" --version)"
  "$node" node_modules/vitest/vitest.mjs run --config vitest.faults.config.ts --reporter=default --reporter=json --outputFile=".tmp/vitest-faults-$name.json"
  echo
  echo "== demo on Node $("$node" --version)"
  "$node" node_modules/tsx/dist/cli.mjs demo/main.ts
}

run_leg "$(command -v node)" node20
run_leg "$(scripts/node24.sh)" node24

# The packed packages in new npm projects, each test runner run for real, on
# each Node leg with the runner majors that leg supports (every alternative of
# the integrations' peer ranges: Node 20 the older, Node 24 the newest). npm's
# cache (~/.npm) is shared by the two legs, so the second downloads little.
run_consumers() {
  local node=$1 name=$2 start=$SECONDS
  echo
  echo "== consumer projects on Node $("$node" --version)"
  "$node" node_modules/vitest/vitest.mjs run --config vitest.consumers.config.ts --reporter=default --reporter=json --outputFile=".tmp/vitest-consumers-$name.json"
  echo "consumer projects on Node $("$node" --version): $((SECONDS - start)) s"
}

run_consumers "$(command -v node)" node20
run_consumers "$(scripts/node24.sh)" node24

node scripts/summarize-tests.mjs .tmp/vitest-node20.json .tmp/vitest-node24.json .tmp/vitest-interop-node20.json .tmp/vitest-interop-node24.json .tmp/vitest-faults-node20.json .tmp/vitest-faults-node24.json .tmp/vitest-consumers-node20.json .tmp/vitest-consumers-node24.json
