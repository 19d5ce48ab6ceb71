#!/usr/bin/env bash
# README command 1: set up everything and start the demo portal.
# Frontend http://localhost:3000, backend http://localhost:7007. The backend starts the embedded demo
# environment (a Kubernetes API stand-in with CNPG objects and an S3 server holding Barman archives),
# configured by `cnpgBackups.demo` in app-config.yaml. Ctrl-C stops everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bootstrap.sh
source scripts/bootstrap.sh

cat <<MSG

  CNPG Backups demo portal
  ------------------------
  Portal:  http://localhost:3000   (sign in as guest, then open e.g. /catalog/default/component/payments)
  Backend: http://localhost:7007/api/cnpg-backups/health

MSG
exec yarn start "$@"
