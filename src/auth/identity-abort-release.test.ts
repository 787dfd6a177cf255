import { describe, expect, it } from "vitest";
import { releaseAbortControllersPolicy } from "./identity-abort-release.ts";

type Policy = ReturnType<typeof releaseAbortControllersPolicy>;
type Request = Parameters<Policy["sendRequest"]>[0];
type Next = Parameters<Policy["sendRequest"]>[1];

/** The policy run on one request whose signal has `onabort` set, answered by `next`. */
async function sendWith(onabort: (this: AbortSignal, event: Event) => unknown): Promise<void> {
  const signal = new AbortController().signal;
  signal.onabort = onabort;
  const request = { abortSignal: signal } as unknown as Request;
  const next: Next = () => Promise.resolve({ status: 200 } as Awaited<ReturnType<Next>>);
  await releaseAbortControllersPolicy().sendRequest(request, next);
  expect(signal.aborted).toBe(false);
}

describe("releaseAbortControllersPolicy", () => {
  it("calls @azure/identity's own clean-up once the request is answered", async () => {
    // The shape of IdentityClient.generateAbortSignal's handler (4.x): it empties its map.
    const abortControllers = new Map<string, AbortController[] | undefined>([["id", []]]);
    const client = { abortControllers };
    await sendWith(() => {
      client.abortControllers.set("id", undefined);
    });
    expect(abortControllers.has("id") && abortControllers.get("id")).toBe(undefined);
  });

  it("leaves any other abort handler alone: it is not the library's, and nothing was aborted", async () => {
    // A later library version, or a caller's signal, may hang its own work on `onabort`
    // (cancelling, rejecting, logging "aborted"): calling it on a finished request would be a lie.
    let called = 0;
    await sendWith(() => {
      called++;
    });
    expect(called).toBe(0);
  });
});
