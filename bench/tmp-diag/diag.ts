import { fork } from "node:child_process";
import { startEmulator } from "../../src/emulator/index.ts";
import { generateScenario, BENCH_APP } from "../scenario.ts";
const T = Number(process.argv[2] ?? 8);
if (process.argv[3] !== "child") {
  const s = generateScenario({
    tenants: T,
    remoteAssistancePartners: 2,
    deviceManagementPartners: 3,
    driftFraction: 0.1,
    randomSeed: 1,
  });
  const emu = await startEmulator({ seed: s.seed, latencyMs: Number(process.env.LAT ?? 25) });
  const child = fork(new URL(import.meta.url).pathname, [String(T), "child", emu.url], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caFile, NO_PROXY: "127.0.0.1" },
    execArgv: process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/proto/prof2"] : [],
  });
  await new Promise((r) => child.on("exit", r));
  await emu.close();
} else {
  const url = process.argv[4]!;
  const s = generateScenario({
    tenants: T,
    remoteAssistancePartners: 2,
    deviceManagementPartners: 3,
    driftFraction: 0.1,
    randomSeed: 1,
  });
  const { connectTenant } = await import("../../src/graph/connect.ts");
  await import("@azure/identity");
  const env = {
    AZURE_CLIENT_SECRET: BENCH_APP.secret,
    INTUNE_GITOPS_GRAPH_URL: url,
    AZURE_AUTHORITY_HOST: url,
  };
  const t0 = performance.now();
  const at = () => (performance.now() - t0).toFixed(1);
  const lines: string[] = [];
  const queue = s.tenants.map((t, i) => [t, i] as const);
  const C = Number(process.env.C ?? 8);
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let n = queue.shift(); n; n = queue.shift()) {
        const [tenant, i] = n;
        await (async () => {
          const a = performance.now();
          const c = await connectTenant(tenant, {
            env,
            configDir: ".",
            allowCustomEndpoint: false,
            operation: "read",
            graphVersions: ["beta"],
            debug: process.env.DEBUG ? (l) => lines.push(`${at()} ${l}`) : undefined,
          });
          const b = performance.now();
          await Promise.all([
            c.client.listCollection({
              graphVersion: "beta",
              collectionPath: "/deviceManagement/remoteAssistancePartners",
              select: [],
            }),
            c.client.listCollection({
              graphVersion: "beta",
              collectionPath: "/deviceManagement/deviceManagementPartners",
              select: [],
            }),
          ]);
          const d = performance.now();
          await c.client.listCollection({
            graphVersion: "beta",
            collectionPath: "/deviceManagement/remoteAssistancePartners",
            select: [],
          });
          const e = performance.now();
          if (i % Number(process.env.EVERY ?? 1) === 0)
            console.log(
              i,
              "connect",
              (b - a).toFixed(1),
              "2 GETs",
              (d - b).toFixed(1),
              "1 more GET",
              (e - d).toFixed(1),
            );
        })();
      }
    }),
  );
  console.log("total", at());
  lines.forEach((l) => console.log(l));
  process.exit(0);
}
