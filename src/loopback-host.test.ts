import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "./loopback-host.ts";

describe("isLoopbackHost", () => {
  it("knows this machine", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      "128.0.0.1",
      "localhost.example.com",
      "127.0.0.1.nip.io",
      "10.0.0.1",
      "[::2]",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
