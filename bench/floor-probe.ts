/**
 * The CPU the work needs on this machine, measured: in a process of its own, the least a reader
 * must do for a plan (minimal-reader.ts) over keep-alive connections, for every tenant of the
 * configuration. Prints `{ workCpuMs, differing }` as JSON: the CPU from after its imports to
 * the end (start-up is measured apart, as bare `node`'s), and `probedTenants`. With MAX (not 0),
 * it reads an evenly spaced sample of at most MAX tenant files: the bench scales its CPU to all.
 *
 * Usage: node bench/floor-probe.ts CONFIG_DIR GRAPH_URL [MAX]   (secret in AZURE_CLIENT_SECRET)
 */
import { readdirSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { readAndCompare, readTenants, signIn, type Connection } from "./minimal-reader.ts";
import { evenlySpaced } from "./model.ts";

const [dir, graphUrl, max = "0"] = process.argv.slice(2);
if (dir === undefined || graphUrl === undefined) throw new Error("usage: CONFIG_DIR GRAPH_URL");
const cpuBefore = process.cpuUsage();
const folder = join(dir, "tenants");
const files = evenlySpaced(readdirSync(folder).sort(), Number(max));
const tenants = readTenants(files.map((name) => join(folder, name)));
// A small pool of reused connections: the fewest TLS handshakes, i.e. the least CPU.
const agent = new https.Agent({ keepAlive: true, maxSockets: 16 });
const connection: Connection = {
  graphUrl,
  secret: process.env.AZURE_CLIENT_SECRET ?? "",
  agent,
};
const differing = await Promise.all(
  tenants.map(async (tenant) =>
    readAndCompare(connection, tenant, await signIn(connection, tenant), false),
  ),
);
agent.destroy();
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    workCpuMs: (cpu.user + cpu.system) / 1000,
    probedTenants: tenants.length,
    differing: differing.reduce((sum, count) => sum + count, 0),
  })}\n`,
);
