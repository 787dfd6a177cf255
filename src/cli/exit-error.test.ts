import { describe, expect, it } from "vitest";
import { AuthError } from "../auth/auth-error.ts";
import { UsageError, UserError } from "../errors.ts";
import { ExitError, exitCodeOf } from "./exit-error.ts";

describe("exitCodeOf", () => {
  it("decides the code for errors thrown below the CLI, which carry none of their own", () => {
    const auth = new AuthError("no token", { tenant: "contoso" });
    expect("exitCode" in auth).toBe(false);
    expect(exitCodeOf(auth)).toBe(1);
    expect(exitCodeOf(new UserError("the plan names an unknown kind"))).toBe(1);
    expect(exitCodeOf(new UsageError("unknown option --x"))).toBe(1);
  });

  it("keeps the code the CLI chose, and calls anything else a bug", () => {
    expect(exitCodeOf(new ExitError("interrupted by SIGINT", 130))).toBe(130);
    expect(exitCodeOf(new Error("a bug"))).toBeUndefined();
    expect(exitCodeOf("thrown text")).toBeUndefined();
  });
});
