/**
 * The peer model, one run: how a tool such as IntuneCD reads these objects. One tenant per
 * process run; requests in sequence, each on a new TLS connection; the sign-in library's OpenID
 * metadata request, a token, then one GET per collection (page). Prints the number of objects
 * whose declared properties differ.
 *
 * Usage: node bench/peer-tenant.ts TENANT_FILE GRAPH_URL   (secret in AZURE_CLIENT_SECRET)
 */
import { discover, readAndCompare, readTenants, signIn } from "./minimal-reader.ts";

const [file, graphUrl] = process.argv.slice(2);
if (file === undefined || graphUrl === undefined) throw new Error("usage: TENANT_FILE GRAPH_URL");
const connection = { graphUrl, secret: process.env.AZURE_CLIENT_SECRET ?? "" };
let differing = 0;
for (const tenant of readTenants([file])) {
  await discover(connection, tenant);
  differing += await readAndCompare(connection, tenant, await signIn(connection, tenant), true);
}
process.stdout.write(`${differing}\n`);
