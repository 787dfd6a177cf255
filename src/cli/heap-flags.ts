import { setFlagsFromString } from "node:v8";

/**
 * V8 settings for the CLI process, applied as the first thing it does (`bin.ts` imports this
 * module before anything else).
 *
 * `--semi-space-growth-factor=1`: V8 grows the young generation (its two semi-spaces) while a
 * program allocates quickly, up to 64 MB each on Node 24, and keeps it. Loading a configuration
 * and reading hundreds of tenants is such a burst, so a 500-tenant plan's peak RSS held 128 MB of
 * young generation that survived nothing but garbage. With the factor 1 it stays at its
 * starting size: more, cheaper scavenges, the same old generation. Measured in bench/RESULTS.md.
 *
 * Why here: `node --semi-space-growth-factor=1` would need a re-exec of the published entry (a
 * second Node start-up, about bare node's cost again) or NODE_OPTIONS, which is the user's
 * environment, not ours. The growth factor is read each time V8 grows the young generation, so
 * setting it once the process runs takes effect (not so `--max-semi-space-size`, read only when
 * the heap is set up). test/e2e/heap-flags.test.ts checks it is in effect in a real run.
 *
 * `--heap-growing-percent=25`: after each full GC, V8 lets the old generation grow to a multiple
 * of what survived before the next one, a factor it picks between 1.1 and 4 from how fast the
 * program allocates against how fast it marks. A plan allocates slowly (it waits on the network)
 * while its live set is modest (tens of MB), so V8 picked a factor near 4: a 2,000-tenant plan
 * with 50-85 MB live reached 180 MB of heap. Held at 1.25 the peak follows the live set; the
 * extra full GCs are incremental (a plan's garbage mostly dies young, in the scavenges) and
 * cost no measurable CPU in the bench. 1.5 was the first setting; 1.25 took another 10-20 MB
 * off a 2,000-tenant plan's peak (bench/RESULTS.md, changes 11 and 18). Like the growth factor
 * above, it is read at each GC, so setting it at run time works (the same test checks it).
 */
setFlagsFromString("--semi-space-growth-factor=1");
setFlagsFromString("--heap-growing-percent=25");
