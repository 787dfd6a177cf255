import { afterEach, describe, expect, it } from "vitest";
import { change, plan, problem } from "../../test/helpers/plan-builders.ts";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";
import { redactPlan } from "./redact-plan.ts";

const TOKEN = "opaque-access-token-0123456789";

afterEach(() => {
  clearRegisteredSecretsForTests();
});

describe("redactPlan", () => {
  it("returns the very same plan when it holds no secret (no copy on every render)", () => {
    registerSecret(TOKEN);
    const clean = plan({ changes: [change()] });
    expect(redactPlan(clean)).toBe(clean);
  });

  it("cuts the secret out of live values, display names and problems, and nothing else", () => {
    registerSecret(TOKEN);
    const echoed = plan({
      changes: [
        change({
          liveDisplayName: `TeamViewer ${TOKEN}`,
          changes: [
            {
              property: "onboardingUrl",
              before: { nested: [`https://x.example.com/?t=${TOKEN.toUpperCase()}`] },
              after: "https://start.teamviewer.com/",
            },
          ],
          patch: { onboardingUrl: "https://start.teamviewer.com/" },
        }),
      ],
      problems: [
        problem({
          tenant: "contoso",
          address: "remoteAssistancePartner[contoso].anydesk",
          candidates: [{ id: "a1", displayName: TOKEN }],
        }),
      ],
    });
    const shown = redactPlan(echoed);
    expect(JSON.stringify(shown)).not.toMatch(new RegExp(TOKEN, "i"));
    expect(shown.changes[0]!.liveDisplayName).toBe("TeamViewer [redacted]");
    expect(shown.changes[0]!.changes[0]!.before).toEqual({
      nested: ["https://x.example.com/?t=[redacted]"],
    });
    expect(shown.problems[0]!.candidates).toEqual([{ id: "a1", displayName: "[redacted]" }]);
    // Everything else is as it was.
    expect({ ...shown, changes: [], problems: [] }).toEqual({
      ...echoed,
      changes: [],
      problems: [],
    });
    expect(shown.changes[0]!.patch).toEqual(echoed.changes[0]!.patch);
  });
});
