#!/usr/bin/env node
// The published entry point runs the compiled CLI (built by `npm run build`, which `npm ci` runs
// through `prepare`). During development `node src/cli/main.ts` runs the sources directly.
import "../dist/cli/bin.js";
