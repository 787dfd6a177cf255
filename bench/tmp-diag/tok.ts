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
    execArgv: [],
  });
  await new Promise((r) => child.on("exit", r));
  const reqs = emu.requests.slice(0, 6).map((e) => `${e.kind} ${e.method}`);
  console.log(reqs.join(", "));
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
  const identity = await import("@azure/identity");
  const https = await import("node:https");
  for (const tenant of s.tenants) {
    const cred = new identity.ClientSecretCredential(
      tenant.tenantId,
      BENCH_APP.clientId,
      BENCH_APP.secret,
      { authorityHost: url, disableInstanceDiscovery: true },
    );
    const a = performance.now();
    await cred.getToken("https://graph.microsoft.com/.default");
    const b = performance.now();
    // raw: discovery + token over one keep-alive agent
    const agent = new https.Agent({ keepAlive: true });
    const get = (path: string, method = "GET", body?: string) =>
      new Promise<void>((res, rej) => {
        const r = https.request(
          url + path,
          {
            method,
            agent,
            headers: body ? { "content-type": "application/x-www-form-urlencoded" } : {},
          },
          (resp) => {
            resp.resume();
            resp.on("end", () => res());
          },
        );
        r.on("error", rej);
        r.end(body);
      });
    const c = performance.now();
    await get(`/${tenant.tenantId}/v2.0/.well-known/openid-configuration`);
    const d = performance.now();
    await get(
      `/${tenant.tenantId}/oauth2/v2.0/token`,
      "POST",
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: BENCH_APP.clientId,
        client_secret: BENCH_APP.secret,
        scope: "https://graph.microsoft.com/.default",
      }).toString(),
    );
    const e = performance.now();
    agent.destroy();
    console.log(
      "msal getToken",
      (b - a).toFixed(1),
      "raw discovery (incl TLS)",
      (d - c).toFixed(1),
      "raw token",
      (e - d).toFixed(1),
    );
  }
  process.exit(0);
}
