#!/usr/bin/env bash
# README command 2: set up everything and run every test.
#   type-check, hygiene checks (prettier, repo fix, API reports, unused dependencies), lint, all workspace Jest suites (incl. real PostgreSQL + barman-cli-cloud + s3rver
#   integration tests and the kubectl fidelity test), then the Playwright end-to-end suite in Chromium.
# The last line is the total: "tests: N passed, N failed".
#
# Options (environment):
#   CNPG_SKIP_E2E=1              skip the browser suite (quick local runs)
#   CNPG_REAL_BARMAN_REGENERATE=<token> regenerate the real Barman archive (under .cache/real-barman) once for this
#                                token instead of reusing the cache; .ci/run sets a fresh token per run
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bootstrap.sh
source scripts/bootstrap.sh

OUT="$ROOT/test-output"
mkdir -p "$OUT"
rm -f "$OUT"/jest.json "$OUT"/e2e.json "$OUT"/hygiene.json

step() { printf '\n\033[1;35m==> %s\033[0m\n' "$*"; }
started=$(date +%s)

step "System packages for the real-world tests (PostgreSQL 15, barman-cli-cloud, kubectl, Chromium, Redis)"
bash scripts/ensure-apt.sh postgresql-15 barman-cli-cloud kubectl chromium redis-server prometheus

step "Type-check (tsc)"
yarn tsc

# Hygiene checks: each one is recorded (pass/fail) in test-output/hygiene.json, counted in the final
# "tests:" line and fails the run, but the test steps below still run so one slip hides no test result.
hygiene_rc=0
hygiene() {
  local name="$1"; shift
  step "$name"
  local rc=0
  "$@" || rc=$?
  node scripts/record-hygiene.mjs "$OUT/hygiene.json" "$name" "$rc"
  if [ "$rc" -ne 0 ]; then hygiene_rc=1; fi
}
hygiene "Formatting (prettier --check)" yarn prettier --check .
hygiene "Package metadata (repo fix --check)" yarn backstage-cli repo fix --check
hygiene "API reports (api-reports --ci)" node scripts/api-reports.mjs --ci
hygiene "Unused dependencies (check-unused-deps)" node scripts/check-unused-deps.mjs
hygiene "Hygiene scripts' own tests (node --test)" node --test scripts/__tests__/*.test.mjs

step "Lint (eslint, all packages)"
yarn backstage-cli repo lint

step "Unit, integration and component tests (Jest, all workspaces)"
set +e
CI=true yarn backstage-cli repo test --json --outputFile="$OUT/jest.json"
jest_rc=$?
set -e

e2e_rc=0
if [ -z "${CNPG_SKIP_E2E:-}" ] && [ -f scripts/e2e.sh ]; then
  step "End-to-end tests (Playwright + Chromium against the demo portal)"
  set +e
  bash scripts/e2e.sh
  e2e_rc=$?
  set -e
fi

node scripts/summarize-tests.mjs "$OUT" "$(( $(date +%s) - started ))"
if [ "$jest_rc" -ne 0 ] || [ "$e2e_rc" -ne 0 ] || [ "$hygiene_rc" -ne 0 ]; then exit 1; fi
