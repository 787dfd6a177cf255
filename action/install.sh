#!/usr/bin/env bash
# Installs what the CLI needs at run time, exactly as package-lock.json pins it (versions and
# integrity hashes). No devDependencies and no install scripts: `prepare` would build dist/ with
# rolldown, a devDependency; the action runs the TypeScript sources instead (Node.js >= 22.18).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
