import { describe, expect, it } from "vitest";
import { RemoteAssistancePartner } from "../resources/remote-assistance-partner.ts";
import { DeviceManagementPartner } from "../resources/device-management-partner.ts";
import { fingerprintObject } from "./fingerprint.ts";

const live = {
  id: "7443c8b9-c8b9-7443-b9c8-4374b9c84374",
  "@odata.type": "#microsoft.graph.remoteAssistancePartner",
  displayName: "TeamViewer",
  onboardingStatus: "onboarded",
  lastConnectionDateTime: "2016-12-31T23:58:36.6670033-08:00",
};

describe("fingerprintObject", () => {
  const declared = ["onboardingStatus", "lastConnectionDateTime"];
  const fingerprint = fingerprintObject(RemoteAssistancePartner, "beta", live, declared);

  it("is a sha256 hex digest", () => {
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores noise: other offsets, annotations, undeclared properties, property order", () => {
    const reread = {
      id: live.id,
      lastConnectionDateTime: "2017-01-01T07:58:36.6670033Z",
      onboardingStatus: "onboarded",
      displayName: "Renamed by someone",
    };
    expect(fingerprintObject(RemoteAssistancePartner, "beta", reread, declared)).toBe(fingerprint);
    expect(fingerprintObject(RemoteAssistancePartner, "beta", live, [...declared].reverse())).toBe(
      fingerprint,
    );
  });

  it("changes when a declared value changes, even by 100 ns", () => {
    const moved = { ...live, lastConnectionDateTime: "2016-12-31T23:58:36.6670034-08:00" };
    expect(fingerprintObject(RemoteAssistancePartner, "beta", moved, declared)).not.toBe(
      fingerprint,
    );
    const status = { ...live, onboardingStatus: "onboarding" };
    expect(fingerprintObject(RemoteAssistancePartner, "beta", status, declared)).not.toBe(
      fingerprint,
    );
  });

  it("depends on which properties are declared", () => {
    expect(fingerprintObject(RemoteAssistancePartner, "beta", live, ["onboardingStatus"])).not.toBe(
      fingerprint,
    );
  });

  it("compares assignments as sets", () => {
    const target = (groupId: string) => ({
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
    });
    const a = { id: "d", groupsRequiringPartnerEnrollment: [target("1"), target("2")] };
    const b = { id: "d", groupsRequiringPartnerEnrollment: [target("2"), target("1")] };
    const props = ["groupsRequiringPartnerEnrollment"];
    expect(fingerprintObject(DeviceManagementPartner, "beta", a, props)).toBe(
      fingerprintObject(DeviceManagementPartner, "beta", b, props),
    );
  });
});
