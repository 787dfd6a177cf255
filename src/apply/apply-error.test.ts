import { describe, expect, it } from "vitest";
import { GraphRequestError } from "../graph/types.ts";
import { toApplyError } from "./apply-error.ts";

describe("toApplyError", () => {
  it("keeps Graph's code, status and request-id", () => {
    const error = new GraphRequestError("BadRequest: onboardingUrl is not valid", {
      status: 400,
      code: "BadRequest",
      requestId: "rid-1",
      request: "PATCH /beta/deviceManagement/remoteAssistancePartners/x",
    });
    expect(toApplyError(error)).toStrictEqual({
      message: "BadRequest: onboardingUrl is not valid",
      code: "BadRequest",
      status: 400,
      requestId: "rid-1",
    });
  });

  it("leaves out what Graph did not say (a network error has no status)", () => {
    expect(toApplyError(new GraphRequestError("socket hang up", {}))).toStrictEqual({
      message: "socket hang up",
    });
  });

  it("marks a request stopped before its retry as interrupted, and only then", () => {
    const stopped = new GraphRequestError("TooManyRequests", {
      status: 429,
      stoppedBeforeRetry: true,
    });
    expect(toApplyError(stopped)).toStrictEqual({
      message: "TooManyRequests",
      status: 429,
      interrupted: true,
    });
    const notStopped = new GraphRequestError("TooManyRequests", {
      status: 429,
      stoppedBeforeRetry: false,
    });
    expect(toApplyError(notStopped)).toStrictEqual({ message: "TooManyRequests", status: 429 });
  });

  it("takes any other error by its message, even one that borrows Graph's name", () => {
    expect(toApplyError(new Error("AADSTS7000215: Invalid client secret"))).toStrictEqual({
      message: "AADSTS7000215: Invalid client secret",
    });
    const lookalike = Object.assign(new Error("not from the client"), {
      name: "GraphRequestError",
    });
    expect(toApplyError(lookalike)).toStrictEqual({ message: "not from the client" });
    const named = Object.assign(new Error("named only"), { details: { status: 500 } });
    expect(toApplyError(named)).toStrictEqual({ message: "named only" });
  });

  it("takes a thrown value that is not an Error as text", () => {
    expect(toApplyError("plain text")).toStrictEqual({ message: "plain text" });
    expect(toApplyError(42)).toStrictEqual({ message: "42" });
  });
});
