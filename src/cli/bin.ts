#!/usr/bin/env node
// The program: `bin/intune-gitops.js` runs the compiled copy; `node src/cli/bin.ts` the sources.
// heap-flags first: it sets V8 flags that must hold before the work allocates.
import "./heap-flags.ts";
import { main } from "./main.ts";

await main();
