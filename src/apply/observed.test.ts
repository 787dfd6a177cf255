import { describe, expect, it } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import { withoutObserved } from "./observed.ts";

describe("withoutObserved", () => {
  const managed = change({ address: "remoteAssistancePartner[contoso].a", name: "a" });
  const observedOne = change({ address: "remoteAssistancePartner[contoso].b", mode: "observe" });
  const observedTwo = change({ address: "remoteAssistancePartner[fabrikam].c", mode: "observe" });

  it("leaves a plan without observe-only objects as it is", () => {
    const given = plan({ changes: [managed] });
    const { plan: writable, observed } = withoutObserved(given);
    expect(writable).toBe(given);
    expect(observed).toEqual([]);
  });

  it("splits off the changes of observe-only objects, in plan order, keeping the rest of the plan", () => {
    const given = plan({ changes: [observedOne, managed, observedTwo], unchangedCount: 3 });
    const { plan: writable, observed } = withoutObserved(given);
    expect(writable).toEqual({ ...given, changes: [managed] });
    expect(observed).toEqual([observedOne, observedTwo]);
    // The plan given is not changed.
    expect(given.changes).toHaveLength(3);
  });

  it("leaves an empty plan to write when every object is observe-only", () => {
    const { plan: writable, observed } = withoutObserved(plan({ changes: [observedOne] }));
    expect(writable.changes).toEqual([]);
    expect(observed).toEqual([observedOne]);
  });
});
