import { describe, expect, it } from "vitest";
import { editDistance, nearest } from "./suggest.ts";

describe("nearest", () => {
  it("prefers a case-insensitive match, then a typo-sized edit", () => {
    expect(nearest("onboardingURL", ["onboardingUrl", "onboardingStatus"])).toBe("onboardingUrl");
    expect(nearest("onbarded", ["notOnboarded", "onboarding", "onboarded"])).toBe("onboarded");
    expect(nearest("tenant", ["tenants", "match", "name"])).toBe("tenants");
    expect(nearest("contosso", ["contoso", "fabrikam"])).toBe("contoso");
  });

  it("suggests nothing when nothing is close", () => {
    expect(nearest("region", ["tenantId", "cloud", "auth"])).toBeUndefined();
    expect(nearest("x", [])).toBeUndefined();
  });
});

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("gives up beyond the limit", () => {
    expect(editDistance("a".repeat(1000), "b".repeat(1000), 2)).toBe(3);
  });
});
