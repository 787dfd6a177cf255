import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../src/emulator/index.ts";
import { DEFAULT_SEED_URL, loadSeed } from "../../src/emulator/seed.ts";
import { emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig } from "../helpers/config-dir.ts";

const GROUP = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";
const NEW_GROUP = "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e";
const FILTER = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";

/** The default seed, with an assignment filter (set "in the portal") on contoso Jamf's target. */
function seedWithFilter(): EmulatorSeed {
  const seed = loadSeed(fileURLToPath(DEFAULT_SEED_URL));
  return {
    tenants: seed.tenants.map((tenant) =>
      tenant.name !== "contoso"
        ? tenant
        : {
            ...tenant,
            deviceManagementPartners: (tenant.deviceManagementPartners ?? []).map((partner) =>
              partner["displayName"] !== "Jamf Pro"
                ? partner
                : {
                    ...partner,
                    groupsRequiringPartnerEnrollment: [
                      {
                        target: {
                          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                          groupId: GROUP,
                          deviceAndAppManagementAssignmentFilterId: FILTER,
                          deviceAndAppManagementAssignmentFilterType: "include",
                        },
                      },
                    ],
                  },
            ),
          },
    ),
  };
}

const jamf = (graphVersion: string, filter = "") => `apiVersion: intune-gitops/v1
kind: DeviceManagementPartner
metadata: { name: jamf, tenants: contoso, graphVersion: ${graphVersion}, match: { displayName: Jamf Pro } }
spec:
  groupsRequiringPartnerEnrollment:
    - target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: ${GROUP}${filter} }
    - target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: ${NEW_GROUP} }
`;

const MESSAGE =
  "! deviceManagementPartner[contoso].jamf: writing groupsRequiringPartnerEnrollment through v1.0 would clear the assignment filter on 1 target";

/**
 * A collection rewritten through v1.0 must not silently clear what only beta shows: the CLI, as a
 * user runs it, against the emulator (which stores the beta filter fields, hides them on v1.0 and
 * drops them on a v1.0 PATCH of the collection).
 */
describe("v1.0 collection writes guarded by a beta read (CLI against the emulator)", () => {
  const emulator = useEmulator({ seed: seedWithFilter() });
  const work = tempConfig();
  afterAll(() => work.cleanup());
  work.write("tenants.yaml", EXAMPLE_TENANTS);
  const cli = (args: string[]) =>
    runCli(args, { env: emulatorEnv(emulator()), cwd: work.dir, timeoutMs: 60_000 });
  const graph = () => emulator().requests.filter((request) => request.kind === "graph");

  it("plan shows the filter v1.0 would clear, with one extra beta read; apply sends 0 PATCH", async () => {
    work.write("jamf.yaml", jamf("v1.0"));
    const planned = await cli(["plan", "--config", "."]);
    expect(planned.stdout).toContain(MESSAGE);
    expect(planned.stdout).toContain("Set metadata.graphVersion: beta on this object");
    expect(planned.code).toBe(1);
    const reads = graph().map((request) => `${request.method} ${request.path}`);
    expect(reads).toEqual([
      "GET /v1.0/deviceManagement/deviceManagementPartners",
      "GET /beta/deviceManagement/deviceManagementPartners",
    ]);

    const applied = await cli(["apply", "--config", ".", "--auto-approve"]);
    expect(applied.stdout + applied.stderr).toContain(MESSAGE);
    expect(applied.code).toBe(1);
    expect(emulator().requests.filter((request) => request.method === "PATCH")).toHaveLength(0);
  });

  it("writes through beta when the configuration states the filter, and keeps it", async () => {
    work.write(
      "jamf.yaml",
      jamf(
        "beta",
        `, deviceAndAppManagementAssignmentFilterId: ${FILTER}, deviceAndAppManagementAssignmentFilterType: include`,
      ),
    );
    const applied = await cli(["apply", "--config", ".", "--auto-approve"]);
    expect(applied.code).toBe(0);
    const patches = emulator().requests.filter((request) => request.method === "PATCH");
    expect(patches.map((request) => request.path)).toEqual([
      "/beta/deviceManagement/deviceManagementPartners/8e1f3a5c-7b9d-4f2e-a4c6-1d3f5b7e9a2c",
    ]);
    const again = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(again.stdout).toContain("No changes.");
    expect(again.code).toBe(0);
  });
});
