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
 * How far V8 lets the old generation grow past what is live. As the CLI exits, the hook keeps
 * about 20 MB alive and then makes objects that outlive a few scavenges (so they die in the old
 * generation, as a plan's responses and parsed documents do), and reports the largest old space
 * it saw. V8's own growing factor (up to 4x the live size after each full GC) takes it near
 * 200 MB; with the factor held at 1.25 it stays near 100 MB (at 1.5 it was near 115 MB).
 */
const OLD_GENERATION_HOOK =
  "data:text/javascript,import v8 from 'node:v8';import{writeSync}from'node:fs';" +
  "process.on('exit',()=>{const live=[];for(let i=0;i<200000;i++)live.push({a:'x'.repeat(20)+i,b:[i,i+1]});" +
  "let max=0;const keep=[];for(let r=0;r<300;r++){keep.push(Array.from({length:5000},(_,i)=>({s:'y'+i+r,n:[r]})));" +
  "if(keep.length>20)keep.shift();max=Math.max(max,v8.getHeapSpaceStatistics().find(s=>s.space_name==='old_space').space_size)}" +
  "writeSync(2,'old generation: '+max+' '+live.length+'\\n')})";

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

  function validateWith(hook: string) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", hook, CLI, "validate", "--config", directory],
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

  it("grows the old generation by a quarter of what is live at most (--heap-growing-percent=25)", async () => {
    const run = await validateWith(OLD_GENERATION_HOOK);
    expect(run.code, run.stderr).toBe(0);
    const [, size, live] = /old generation: (\d+) (\d+)/.exec(run.stderr) ?? [];
    expect(Number(live)).toBe(200_000);
    expect(Number(size)).toBeGreaterThan(40 * 1024 * 1024);
    expect(Number(size)).toBeLessThanOrEqual(150 * 1024 * 1024);
  }, 60_000);
});
