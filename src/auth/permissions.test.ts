import { describe, expect, it } from "vitest";
import {
  checkPermissions,
  decodeJwtPayload,
  missingOptionalPermission,
  requiredPermissions,
  tokenAppId,
} from "./permissions.ts";

/** An unsigned JWT with the given claims: the preflight never verifies signatures. */
function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "RS256", typ: "JWT" })}.${encode(claims)}.c2lnbmF0dXJl`;
}

describe("decodeJwtPayload", () => {
  it("decodes the payload of a JWT", () => {
    expect(decodeJwtPayload(jwt({ roles: ["x"], exp: 1 }))).toEqual({ roles: ["x"], exp: 1 });
  });
  it("returns undefined for anything else", () => {
    for (const token of [
      "opaque",
      "a.b",
      "a..c",
      "a.!!!.c",
      `a.${Buffer.from("[1]").toString("base64url")}.c`,
    ]) {
      expect(decodeJwtPayload(token), token).toBeUndefined();
    }
  });
});

describe("requiredPermissions", () => {
  it("matches the seed pages' tables", () => {
    expect(requiredPermissions("read", "v1.0")).toEqual([
      ["DeviceManagementServiceConfig.Read.All", "DeviceManagementServiceConfig.ReadWrite.All"],
    ]);
    expect(requiredPermissions("write", "v1.0")).toEqual([
      ["DeviceManagementServiceConfig.ReadWrite.All"],
    ]);
    expect(requiredPermissions("write", "beta")).toEqual([
      [
        "DeviceManagementServiceConfig.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
      ],
    ]);
  });
});

describe("checkPermissions", () => {
  const readOnly = jwt({ appid: "app-1", roles: ["DeviceManagementServiceConfig.Read.All"] });
  const serviceWrite = jwt({ roles: ["DeviceManagementServiceConfig.ReadWrite.All"] });
  const fullWrite = jwt({
    roles: [
      "DeviceManagementServiceConfig.ReadWrite.All",
      "DeviceManagementConfiguration.ReadWrite.All",
    ],
  });

  it("lets a read through with Read.All or ReadWrite.All", () => {
    expect(checkPermissions(readOnly, { operation: "read", graphVersion: "beta" })).toBeUndefined();
    expect(
      checkPermissions(serviceWrite, { operation: "read", graphVersion: "v1.0" }),
    ).toBeUndefined();
  });

  it("names the missing write permission and where to add it", () => {
    const message = checkPermissions(readOnly, { operation: "write", graphVersion: "v1.0" });
    expect(message).toBe(
      "missing Microsoft Graph application permission DeviceManagementServiceConfig.ReadWrite.All to write (PATCH) on Graph v1.0 (the token has: DeviceManagementServiceConfig.Read.All). Add it in Entra ID > App registrations > app-1 > API permissions > Add a permission > Microsoft Graph > Application permissions, then grant admin consent",
    );
  });

  it("accepts either write permission on beta, as the beta update page lists them", () => {
    const configurationWrite = jwt({ roles: ["DeviceManagementConfiguration.ReadWrite.All"] });
    expect(
      checkPermissions(serviceWrite, { operation: "write", graphVersion: "beta" }),
    ).toBeUndefined();
    expect(
      checkPermissions(configurationWrite, { operation: "write", graphVersion: "beta" }),
    ).toBeUndefined();
    expect(
      checkPermissions(configurationWrite, { operation: "write", graphVersion: "v1.0" }),
    ).toContain(
      "application permission DeviceManagementServiceConfig.ReadWrite.All to write (PATCH) on Graph v1.0",
    );
    expect(
      checkPermissions(fullWrite, { operation: "write", graphVersion: "beta" }),
    ).toBeUndefined();
    expect(checkPermissions(readOnly, { operation: "write", graphVersion: "beta" })).toContain(
      "application permission DeviceManagementServiceConfig.ReadWrite.All or DeviceManagementConfiguration.ReadWrite.All to write (PATCH) on Graph beta",
    );
  });

  it("names the permission a partner action needs, in the action's words", () => {
    expect(
      checkPermissions(serviceWrite, { operation: "action", graphVersion: "beta" }),
    ).toBeUndefined();
    expect(checkPermissions(readOnly, { operation: "action", graphVersion: "beta" })).toContain(
      "DeviceManagementServiceConfig.ReadWrite.All or DeviceManagementConfiguration.ReadWrite.All to invoke partner actions (POST) on Graph beta",
    );
  });

  it("reads scp for delegated tokens", () => {
    const delegated = jwt({ scp: "User.Read DeviceManagementServiceConfig.Read.All" });
    expect(
      checkPermissions(delegated, { operation: "read", graphVersion: "v1.0" }),
    ).toBeUndefined();
    expect(checkPermissions(delegated, { operation: "write", graphVersion: "v1.0" })).toContain(
      "delegated permission DeviceManagementServiceConfig.ReadWrite.All",
    );
  });

  it("reports a token without roles as having none", () => {
    expect(
      checkPermissions(jwt({ sub: "x" }), { operation: "read", graphVersion: "v1.0" }),
    ).toContain("(the token has: none)");
  });

  it("skips a token that is not a JWT, with a debug note", () => {
    const notes: string[] = [];
    expect(
      checkPermissions("opaque-token", {
        operation: "write",
        graphVersion: "beta",
        debug: (line) => notes.push(line),
      }),
    ).toBeUndefined();
    expect(notes).toEqual([
      "permission preflight skipped: the access token is not a JWT, so its permissions cannot be read",
    ]);
  });
});

describe("optional permissions (drift attribution's audit log)", () => {
  const reader = ["DeviceManagementServiceConfig.Read.All"];
  it("names the least permission that adds the feature, without failing the preflight", () => {
    const token = jwt({ roles: reader, appid: "app-1" });
    expect(missingOptionalPermission(token, "audit-events")).toBe("DeviceManagementApps.Read.All");
    expect(checkPermissions(token, { operation: "read", graphVersion: "beta" })).toBeUndefined();
    expect(tokenAppId(token)).toBe("app-1");
    expect(tokenAppId(jwt({ azp: "app-2" }))).toBe("app-2");
  });
  it("is satisfied by either audit permission, as a role or a delegated scope, in any case", () => {
    for (const token of [
      jwt({ roles: [...reader, "DeviceManagementApps.Read.All"] }),
      jwt({ roles: [...reader, "devicemanagementapps.readwrite.all"] }),
      jwt({ scp: "DeviceManagementServiceConfig.Read.All DeviceManagementApps.Read.All" }),
    ]) {
      expect(missingOptionalPermission(token, "audit-events")).toBeUndefined();
    }
  });
  it("leaves an unreadable token to Graph", () => {
    expect(missingOptionalPermission("opaque", "audit-events")).toBeUndefined();
    expect(tokenAppId("opaque")).toBeUndefined();
  });
});
