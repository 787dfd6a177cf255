#!/usr/bin/env node
// The program: `bin/intune-gitops.js` runs the compiled copy; `node src/cli/bin.ts` the sources.
import { main } from "./main.ts";

await main();
