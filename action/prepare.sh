#!/usr/bin/env bash
# The action's first step: can the runner's Node.js run the TypeScript sources (22.18 or newer
# strips types without a flag)? And the lockfile's hash, for the dependency cache key: hashFiles()
# only reads the workspace, never the action's own folder. Writes node-ok and lock-hash to
# $GITHUB_OUTPUT (standard output when run by hand).
set -euo pipefail
action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
output=${GITHUB_OUTPUT:-/dev/stdout}

node_ok=false
if command -v node >/dev/null &&
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 18) ? 0 : 1)'; then
  node_ok=true
fi
echo "Node.js $(node -v 2>/dev/null || echo missing): $([ "$node_ok" = true ] && echo "new enough" || echo "older than 22.18, Node.js 24 will be set up")" >&2

{
  echo "node-ok=$node_ok"
  echo "lock-hash=$(sha256sum "$action_dir/package-lock.json" | cut -d ' ' -f 1)"
} >>"$output"
