import { spawn } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.ts";

/**
 * The CLI process runs with the V8 settings of src/cli/heap-flags.ts. Seen from inside a real
 * run: a one-line `--import` hook reports the young generation's size as the process exits,
 * after `validate` has loaded a configuration of 100 tenants (a burst of short-lived
 * allocations). Left to grow, V8 takes it to 16 MB or more for this; held at its starting size
 * it stays at a few MB.
 */
const YOUNG_GENERATION_HOOK =
  "data:text/javascript,import v8 from 'node:v8';import{writeSync}from'node:fs';" +
  "process.on('exit',()=>{const s=v8.getHeapSpaceStatistics().find(s=>s.space_name==='new_space');" +
  "writeSync(2,'young generation: '+s.space_size+'\\n')})";

/**
 * How far V8 lets the old generation grow past what is live. As the CLI exits, the hook makes
 * about 70 MB live and forces a full GC (`--expose-gc`), after which V8 sets the next full GC's
 * limit to its growing factor times what survived. Then it makes objects that outlive a few
 * scavenges (so they die in the old generation, as a plan's responses and parsed documents do),
 * reads the old generation's size after each batch, and stops at the first full GC (the size
 * drops) or once the size is 3 times the live size. It reports the live size, the largest size
 * before the stop and why it stopped.
 *
 * A ratio from a forced GC rather than the largest size over a whole workload (the first form of
 * this test): that largest size depends on when each GC starts and ends, so on the machine's
 * load. At load 9-12 it put a 1.5 factor at 116-129 MB (161 MB once in a full `npm run check`)
 * and V8's own at 167-243 MB: no bound fits between them. From a known live size, at the same
 * load: with the factor at 1.25, 1.26-1.27 times, or 1.44-1.54 when the GC ends late (30 runs);
 * at 1.5, 1.51-1.52 and once 2.45; without the flag V8 picks a factor of 4 here
 * (`--trace-gc-verbose`) and no full GC comes before 3 times (18 runs).
 */
const OLD_GENERATION_HOOK =
  "data:text/javascript,import v8 from 'node:v8';import{writeSync}from'node:fs';" +
  "const oldGeneration=()=>v8.getHeapSpaceStatistics().filter(s=>!/^(new|read_only)_/.test(s.space_name))" +
  ".reduce((sum,s)=>sum+s.space_used_size,0);" +
  "process.on('exit',()=>{const live=[];for(let i=0;i<200000;i++)live.push({a:'x'.repeat(20)+i,b:[i,i+1]});" +
  "gc();const base=oldGeneration();let peak=base,previous=base,end='no GC';const keep=[];" +
  "for(let r=0;r<1000&&peak<3*base;r++){keep.push(Array.from({length:5000},(_,i)=>({s:'y'+i+r,n:[r]})));" +
  "if(keep.length>20)keep.shift();const used=oldGeneration();if(used<previous*0.9){end='GC';break}" +
  "peak=Math.max(peak,used);previous=used}" +
  "writeSync(2,'old generation: '+base+' '+peak+' '+end+' '+live.length+'\\n')})";

function tenantFile(index: number): string {
  const name = `tenant-${String(index).padStart(4, "0")}`;
  const tenantId = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
  const partner = (kind: string, spec: string) =>
    `apiVersion: intune-gitops/v1\nkind: ${kind}\nmetadata:\n  name: ${name}-${kind.toLowerCase()}\n` +
    `  tenants: ${name}\n  match:\n    displayName: Partner of ${name}\nspec:\n${spec}`;
  return [
    `apiVersion: intune-gitops/v1\nkind: Tenant\nmetadata:\n  name: ${name}\nspec:\n  tenantId: ${tenantId}\n  auth:\n    method: azureCli\n`,
    partner("RemoteAssistancePartner", "  onboardingUrl: https://partner.example.com/onboard\n"),
    partner("DeviceManagementPartner", "  isConfigured: true\n"),
  ].join("---\n");
}

describe("the CLI process's V8 settings", () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "intune-gitops-heap-"));
    await mkdir(join(directory, "tenants"));
    for (let index = 0; index < 100; index++)
      await writeFile(join(directory, "tenants", `t${index}.yaml`), tenantFile(index));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function validateWith(hook: string, nodeOptions: readonly string[] = []) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          [...nodeOptions, "--import", hook, CLI, "validate", "--config", directory],
          { env: { PATH: process.env.PATH, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      },
    );
  }

  it("keeps the young generation at its starting size (--semi-space-growth-factor=1)", async () => {
    const run = await validateWith(YOUNG_GENERATION_HOOK);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("100 tenants");
    const size = Number(/young generation: (\d+)/.exec(run.stderr)?.[1]);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(4 * 1024 * 1024);
  }, 60_000);

  it("holds the old generation under 2.75x what is live, where V8 alone lets it reach 3x and more (--heap-growing-percent)", async () => {
    const run = await validateWith(OLD_GENERATION_HOOK, ["--expose-gc"]);
    expect(run.code, run.stderr).toBe(0);
    const [, live, peak, end, objects] =
      /old generation: (\d+) (\d+) (GC|no GC) (\d+)/.exec(run.stderr) ?? [];
    expect(Number(objects)).toBe(200_000);
    expect(Number(live)).toBeGreaterThan(40 * 1024 * 1024);
    // About 1.25; the bound leaves room for a GC that ends late under load and stays below the
    // 3 times that V8's own factor lets the old generation reach with no full GC.
    expect(end, run.stderr).toBe("GC");
    const growth = Number(peak) / Number(live);
    expect(growth, `${live} -> ${peak} bytes, then ${end}`).toBeLessThanOrEqual(2.75);
  }, 60_000);
});
