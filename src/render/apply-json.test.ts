import { describe, expect, it } from "vitest";
import { summarise, type ApplyResult, type ObjectResult } from "../apply/model.ts";
import { renderApplyJson } from "./apply-json.ts";

const base = {
  tenant: "contoso",
  kind: "RemoteAssistancePartner",
  graphVersion: "beta" as const,
  properties: ["onboardingStatus"],
};

function result(objects: ObjectResult[], interrupted = false): ApplyResult {
  const summary = summarise(objects);
  return { results: objects, summary, refusedAsStale: summary.stale > 0, interrupted };
}

describe("renderApplyJson", () => {
  it("writes a versioned document with the summary and one entry per object, snake_case", () => {
    const text = renderApplyJson(
      result([
        {
          ...base,
          address: "remoteAssistancePartner[contoso].a",
          liveId: "id-a",
          status: "changed",
          httpStatus: 204,
          durationMs: 12,
          requestId: "r-a",
        },
        {
          ...base,
          address: "remoteAssistancePartner[contoso].b",
          liveId: "id-b",
          status: "failed",
          failedIn: "write",
          error: { message: "bad", code: "BadRequest", status: 400, requestId: "r-b" },
          durationMs: 7,
        },
        {
          ...base,
          address: "remoteAssistancePartner[contoso].c",
          liveId: "id-c",
          status: "not-converged",
          httpStatus: 200,
          durationMs: 9,
          notConverged: [{ property: "onboardingStatus", desired: "onboarded", live: undefined }],
        },
      ]),
    );
    expect(text.endsWith("\n")).toBe(true);
    expect(JSON.parse(text)).toStrictEqual({
      format_version: 1,
      success: false,
      refused_as_stale: false,
      interrupted: false,
      summary: {
        total: 3,
        changed: 1,
        already_applied: 0,
        failed: 1,
        skipped: 0,
        stale: 0,
        not_converged: 1,
        unverified: 0,
      },
      results: [
        {
          address: "remoteAssistancePartner[contoso].a",
          tenant: "contoso",
          kind: "RemoteAssistancePartner",
          graph_version: "beta",
          live_id: "id-a",
          status: "changed",
          properties: ["onboardingStatus"],
          http_status: 204,
          duration_ms: 12,
          request_id: "r-a",
        },
        {
          address: "remoteAssistancePartner[contoso].b",
          tenant: "contoso",
          kind: "RemoteAssistancePartner",
          graph_version: "beta",
          live_id: "id-b",
          status: "failed",
          properties: ["onboardingStatus"],
          failed_in: "write",
          error: { message: "bad", code: "BadRequest", status: 400, request_id: "r-b" },
          duration_ms: 7,
        },
        {
          address: "remoteAssistancePartner[contoso].c",
          tenant: "contoso",
          kind: "RemoteAssistancePartner",
          graph_version: "beta",
          live_id: "id-c",
          status: "not-converged",
          properties: ["onboardingStatus"],
          not_converged: [{ property: "onboardingStatus", desired: "onboarded", live: null }],
          http_status: 200,
          duration_ms: 9,
        },
      ],
    });
  });

  it("says success only when every object changed and was verified", () => {
    const ok: ObjectResult = {
      ...base,
      address: "a",
      liveId: "1",
      status: "changed",
      httpStatus: 204,
    };
    expect(JSON.parse(renderApplyJson(result([ok]))).success).toBe(true);
    const unverified: ObjectResult = { ...ok, verifyError: { message: "timeout" } };
    const parsed = JSON.parse(renderApplyJson(result([unverified])));
    expect(parsed.success).toBe(false);
    expect(parsed.results[0].verify_error).toEqual({ message: "timeout" });
  });

  it("records stale refusals and skip reasons", () => {
    const parsed = JSON.parse(
      renderApplyJson(
        result([
          {
            ...base,
            address: "a",
            liveId: "1",
            status: "stale",
            staleReason: "the object (id 1) no longer exists",
          },
          { ...base, address: "b", liveId: "2", status: "skipped", skipReason: "plan-stale" },
        ]),
      ),
    );
    expect(parsed.refused_as_stale).toBe(true);
    expect(
      parsed.results.map(
        (r: { stale_reason?: string; skip_reason?: string }) => r.stale_reason ?? r.skip_reason,
      ),
    ).toEqual(["the object (id 1) no longer exists", "plan-stale"]);
  });
});
