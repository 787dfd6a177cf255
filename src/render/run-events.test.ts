import { describe, expect, it } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import type { ApplyResult } from "../apply/model.ts";
import { RunEventLog } from "./run-events.ts";

const NOW = new Date("2026-12-07T12:00:00Z");

describe("RunEventLog (--events)", () => {
  it("writes one JSON line per drifted property, once per run however often it is added", () => {
    const log = new RunEventLog(NOW);
    const drifted = plan({ changes: [change()] });
    log.addDrift(drifted);
    log.addDrift(drifted);
    const lines = log.toJsonLines().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe("");
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      format_version: 1,
      time: "2026-12-07T12:00:00.000Z",
      kind: "drift",
      tenant: "contoso",
      object: "remoteAssistancePartner[contoso].teamviewer",
      property: "onboardingStatus",
      before: "notOnboarded",
      after: "onboarded",
      mode: "manage",
      actor: null,
    });
  });

  it("writes one health event per finding, once per run, apart from drift", () => {
    const log = new RunEventLog(NOW);
    const unhealthy = plan({
      health: [
        {
          address: "deviceManagementPartner[contoso].jamf",
          tenant: "contoso",
          code: "unhealthy-state",
          property: "partnerState",
          value: "terminated",
          summary: "partnerState is terminated",
        },
        {
          address: "deviceManagementPartner[contoso].jamf",
          tenant: "contoso",
          code: "stale",
          property: "lastHeartbeatDateTime",
          value: null,
          thresholdHours: 24,
          summary: "no heartbeat recorded (lastHeartbeatDateTime unset)",
        },
      ],
    });
    log.addHealth(unhealthy);
    log.addHealth(unhealthy);
    expect(log.events).toEqual([
      {
        format_version: 1,
        time: "2026-12-07T12:00:00.000Z",
        kind: "health",
        tenant: "contoso",
        object: "deviceManagementPartner[contoso].jamf",
        code: "unhealthy-state",
        property: "partnerState",
        value: "terminated",
        threshold_hours: null,
        summary: "partnerState is terminated",
      },
      {
        format_version: 1,
        time: "2026-12-07T12:00:00.000Z",
        kind: "health",
        tenant: "contoso",
        object: "deviceManagementPartner[contoso].jamf",
        code: "stale",
        property: "lastHeartbeatDateTime",
        value: null,
        threshold_hours: 24,
        summary: "no heartbeat recorded (lastHeartbeatDateTime unset)",
      },
    ]);
  });

  it("writes applied properties of written objects only, with this run as the actor", () => {
    const log = new RunEventLog(NOW);
    const object = {
      address: "remoteAssistancePartner[contoso].teamviewer",
      tenant: "contoso",
      kind: "RemoteAssistancePartner",
      graphVersion: "beta" as const,
      liveId: "id",
      properties: ["onboardingStatus"],
      propertyChanges: [
        { property: "onboardingStatus", before: "notOnboarded", after: "onboarded" },
      ],
    };
    const result: ApplyResult = {
      results: [
        { ...object, status: "changed", httpStatus: 204, requestId: "req-1" },
        { ...object, address: "x[contoso].skipped", status: "skipped", skipReason: "fail-fast" },
      ],
      summary: {
        changed: 1,
        alreadyApplied: 0,
        failed: 0,
        skipped: 1,
        stale: 0,
        notConverged: 0,
        unverified: 0,
        total: 2,
      },
      refusedAsStale: false,
      interrupted: false,
    };
    log.addApplied(result);
    expect(log.events).toEqual([
      expect.objectContaining({
        kind: "applied",
        object: "remoteAssistancePartner[contoso].teamviewer",
        verified: true,
        request_id: "req-1",
        actor: expect.objectContaining({ name: "intune-gitops", by_this_tool: "this-run" }),
      }),
    ]);
  });
});
