import { afterEach, describe, expect, it } from "vitest";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";
import { capturedAnswer, PERSONAL_DATA_REMOVED } from "./capture.ts";

describe("a captured answer", () => {
  afterEach(() => clearRegisteredSecretsForTests());

  it("keeps ids and values, and removes registered secrets, JWT-shaped text and a person's name and address", () => {
    registerSecret("s3cret-value-the-run-used");
    const answer = capturedAnswer(
      "/beta/deviceManagement/auditEvents",
      { $top: "1" },
      {
        ok: true,
        body: {
          value: [
            {
              id: "7d1c9e0a-1111-4222-8333-444444444444",
              correlationId: "0f0e0d0c-1111-4222-8333-444444444444",
              displayName: "Patch RemoteAssistancePartner",
              actor: {
                userPrincipalName: "alex@contoso.example",
                ipAddress: "203.0.113.7",
                applicationId: "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13",
              },
              resources: [
                {
                  resourceId: "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
                  modifiedProperties: [
                    {
                      displayName: "OnboardingUrl",
                      oldValue: "https://x.example/?k=s3cret-value-the-run-used",
                      newValue: "eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl",
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
    );
    const text = JSON.stringify(answer);
    expect(answer).toMatchObject({ method: "GET", status: 200, query: { $top: "1" } });
    expect(text).toContain("7d1c9e0a-1111-4222-8333-444444444444");
    expect(text).toContain("2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d");
    expect(text).toContain("9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13");
    expect(text).not.toContain("s3cret-value-the-run-used");
    expect(text).not.toContain("eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0");
    expect(text).not.toContain("alex@contoso.example");
    expect(text).not.toContain("203.0.113.7");
    expect(text.split(PERSONAL_DATA_REMOVED)).toHaveLength(3);
  });

  it("an error keeps its status and Graph's code; no answer at all is replayed as a 504", () => {
    expect(
      capturedAnswer(
        "/v1.0/deviceManagement/auditEvents",
        {},
        {
          ok: false,
          failure: { status: 403, code: "Forbidden", message: "GET …: HTTP 403 Forbidden: no" },
        },
      ),
    ).toEqual({
      method: "GET",
      path: "/v1.0/deviceManagement/auditEvents",
      query: {},
      status: 403,
      body: { error: { code: "Forbidden", message: "GET …: HTTP 403 Forbidden: no" } },
    });
    expect(
      capturedAnswer("/v1.0/x", {}, { ok: false, failure: { message: "ECONNRESET" } }).status,
    ).toBe(504);
  });
});
