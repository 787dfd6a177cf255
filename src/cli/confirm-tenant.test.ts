import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveActionTarget, type ActionTarget } from "../actions/target.ts";
import { loadConfig } from "../config/loader.ts";
import { confirmByTenantName } from "./confirm-tenant.ts";

const EXAMPLES = fileURLToPath(new URL("../../config-examples/", import.meta.url));

/** A terminal as readline sees one: the only part of `invoke` a child process cannot give. */
function terminal(typed: string): { stdin: PassThrough & { isTTY: boolean }; stderr: PassThrough } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = new PassThrough();
  stderr.resume();
  setImmediate(() => stdin.write(typed));
  return { stdin, stderr };
}

describe("confirmByTenantName", () => {
  let target: ActionTarget;
  beforeAll(async () => {
    const { state } = await loadConfig(EXAMPLES);
    if (state === undefined) throw new Error("the example configuration does not load");
    target = resolveActionTarget(state, { action: "terminate", tenant: "contoso", object: "jamf" });
  });

  it("goes on when the tenant's name is typed", async () => {
    await expect(confirmByTenantName(target, terminal("contoso\n"))).resolves.toBeUndefined();
  });

  it("cancels on anything else, 'yes' included, and says nothing was sent", async () => {
    await expect(confirmByTenantName(target, terminal("yes\n"))).rejects.toThrow(
      'terminate cancelled: "yes" is not contoso. Nothing was sent.',
    );
  });

  it("refuses without a terminal", async () => {
    const stdin = new PassThrough();
    await expect(confirmByTenantName(target, { stdin, stderr: new PassThrough() })).rejects.toThrow(
      /no terminal to ask/,
    );
  });
});
