#!/usr/bin/env bash
# End-to-end tests of the demo portal in Chromium.
#   1. builds packages/app for production when its sources (or the cnpg-backups plugin) changed;
#   2. starts the backend (which serves that build and starts the CNPG demo environment) on E2E_PORT;
#   3. waits until the portal answers and the catalog holds the demo entities;
#   4. runs Playwright (playwright.config.ts; Debian's Chromium, no browser download);
#   5. stops the backend, whatever happened.
# Output: test-output/e2e.json (Playwright JSON report), test-output/screenshots/*.png,
#         test-output/e2e-backend.log. Exit code: Playwright's.
#
# Environment: E2E_PORT (default 7007), E2E_SKIP_BUILD=1 to reuse an existing build,
#              E2E_GREP=<regex> to run some tests only, E2E_ARGS=<more Playwright arguments>,
#              E2E_EXTRA_CONFIG=<path relative to the repo> one more app-config file for the backend.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bootstrap.sh
source scripts/bootstrap.sh

PORT="${E2E_PORT:-7007}"
OUT="$ROOT/test-output"
mkdir -p "$OUT/screenshots"
log() { printf '\033[1;36m[e2e]\033[0m %s\n' "$*" >&2; }

bash scripts/ensure-apt.sh chromium

# 1. Production build of the app (the backend's app plugin serves packages/app/dist).
DIST_INDEX="packages/app/dist/index.html"
needs_build() {
  [ ! -f "$DIST_INDEX" ] && return 0
  [ -n "$(find packages/app/src packages/app/public packages/app/package.json plugins/cnpg-backups/src \
      plugins/cnpg-backups-common/src -newer "$DIST_INDEX" -type f -print -quit 2>/dev/null)" ]
}
build_app() {
  # Re-checked under the lock: a parallel run may have just built the same sources.
  if needs_build; then
    log "Building packages/app for production (about 1-3 min)"
    start=$(date +%s)
    (cd packages/app && yarn build) > "$OUT/e2e-build.log" 2>&1 || { tail -40 "$OUT/e2e-build.log" >&2; exit 1; }
    log "App built in $(( $(date +%s) - start )) s"
  fi
}
if [ -z "${E2E_SKIP_BUILD:-}" ] && needs_build; then
  # One build at a time on this machine: parallel e2e runs (other ports) share packages/app/dist.
  exec 9>/tmp/cnpg-e2e-build.lock
  command -v flock >/dev/null 2>&1 && flock 9
  build_app
  exec 9>&-
fi

# 2. The backend on its own port, without the CLI's file watcher (other processes may edit files).
cat > "$OUT/e2e-app-config-${PORT}.yaml" <<YAML
app:
  baseUrl: http://localhost:${PORT}
backend:
  baseUrl: http://localhost:${PORT}
  listen:
    port: ${PORT}
  cors:
    origin: http://localhost:${PORT}
YAML
if curl -s -o /dev/null "http://localhost:${PORT}/healthcheck"; then
  log "Port ${PORT} is already in use: set E2E_PORT to a free port"
  exit 1
fi
log "Starting the demo portal on http://localhost:${PORT}"
(
  cd packages/backend
  # NODE_ENV=development: the demo signs in with the guest provider, which is development-only.
  exec env NODE_ENV=development node --enable-source-maps \
    --require "$ROOT/node_modules/@backstage/cli-node/config/nodeTransform.cjs" src/index \
    --config ../../app-config.yaml --config "$OUT/e2e-app-config-${PORT}.yaml" \
    ${E2E_EXTRA_CONFIG:+--config "$ROOT/$E2E_EXTRA_CONFIG"}
) > "$OUT/e2e-backend.log" 2>&1 &
BACKEND_PID=$!
stop_backend() {
  if kill -0 "$BACKEND_PID" 2>/dev/null; then
    kill "$BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$BACKEND_PID" 2>/dev/null || true
  fi
}
trap stop_backend EXIT

# 3. Wait for the portal (the demo seeds its S3 archives at start: up to a few minutes on 2 cores).
start=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:${PORT}/healthcheck")" = 200 ]; do
  if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
    log "The backend exited; last lines of test-output/e2e-backend.log:"; tail -40 "$OUT/e2e-backend.log" >&2; exit 1
  fi
  if [ $(( $(date +%s) - start )) -gt 600 ]; then
    log "The portal did not answer within 600 s"; tail -40 "$OUT/e2e-backend.log" >&2; exit 1
  fi
  sleep 2
done
log "Portal up after $(( $(date +%s) - start )) s"

# 4. Playwright (the tests wait for the catalog to ingest the demo entities themselves).
set +e
E2E_PORT="$PORT" yarn playwright test --config playwright.config.ts ${E2E_GREP:+--grep "$E2E_GREP"} ${E2E_ARGS:-}
rc=$?
set -e
log "Screenshots: $(ls "$OUT/screenshots" | wc -l) in test-output/screenshots"
exit $rc
