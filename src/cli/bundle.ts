// The entry of the built bundle (dist/bundle.cjs), which bin/intune-gitops.js runs; `node
// src/cli/bin.ts` runs the sources instead. heap-flags first, as in bin.ts. The rest of the program
// is a chunk of its own, required only once the flags are set: V8 keys a code cache to the flags in
// force, so a file compiled before `heap-flags` changed them would find its cache refused on every
// run (bin/intune-gitops.js writes the caches as the process exits, under the changed flags).
import "./heap-flags.ts";

export async function main(): Promise<void> {
  const program = await import("./main.ts");
  await program.main();
}
