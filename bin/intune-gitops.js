#!/usr/bin/env node
// The published entry point runs the bundled CLI in dist/ (built by `npm run build`, which
// `npm ci` runs through `prepare`). During development `node src/cli/bin.ts` runs the sources.
import module from "node:module";

// Reuse compiled code between runs (Node >= 22.1): start-up time matters for `validate`, the
// first check users add to pull requests.
module.enableCompileCache?.();
await import("../dist/bin.js");
