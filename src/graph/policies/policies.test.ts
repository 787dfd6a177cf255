import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../http-transport.ts";
import { AttemptFailure } from "../attempt-failure.ts";
import { createPipeline, type AttemptRequest, type PipelinePolicy } from "../pipeline.ts";
import type { AttemptAnswer } from "../types.ts";
import { answerObserverPolicy } from "./answer-observer.ts";
import { bearerTokenPolicy } from "./bearer-token.ts";
import { clientRequestIdPolicy, graphHeadersPolicy } from "./graph-headers.ts";
import { sameOriginRedirectPolicy } from "./same-origin-redirect.ts";

/**
 * Each policy on its own, between a request and a scripted last step that records what it was
 * sent and answers from a list: the policies' contract is "request and next", nothing else. The
 * whole chain over real sockets is test/graph.
 */
const ROOT = new URL("https://graph.example");

function request(overrides: Partial<AttemptRequest> = {}): AttemptRequest {
  return {
    method: "GET",
    url: new URL("https://graph.example/beta/x?$select=id"),
    headers: {},
    clientRequestId: "crid",
    attempt: 1,
    hooks: {},
    ...overrides,
  };
}

function response(status: number, headers: HttpResponse["headers"] = {}): HttpResponse {
  return { status, statusText: "", headers, body: Buffer.from("") };
}

/** A last step that answers `answers` in turn (the last one again when they run out). */
function scripted(...answers: (HttpResponse | Error)[]) {
  const sent: AttemptRequest[] = [];
  const send = (sending: AttemptRequest): Promise<HttpResponse> => {
    sent.push(sending);
    // A policy that never stops sending fails here rather than looping forever.
    if (sent.length > 20) return Promise.reject(new Error("more than 20 requests sent"));
    const next = answers[Math.min(sent.length, answers.length) - 1];
    if (next === undefined) throw new Error("no answer scripted");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { sent, send };
}

function through(policy: PipelinePolicy, send: (request: AttemptRequest) => Promise<HttpResponse>) {
  return createPipeline([policy], send);
}

describe("the policies' names, for the debug trace", () => {
  it("names each policy", () => {
    const names = [
      clientRequestIdPolicy(),
      graphHeadersPolicy(undefined),
      bearerTokenPolicy(
        () => Promise.resolve("t"),
        () => undefined,
      ),
      answerObserverPolicy(),
      sameOriginRedirectPolicy(ROOT, () => undefined),
    ].map((policy) => policy.name);
    expect(names).toEqual([
      "clientRequestId",
      "graphHeaders",
      "bearerToken",
      "answerObserver",
      "sameOriginRedirect",
    ]);
  });
});

describe("clientRequestIdPolicy and graphHeadersPolicy", () => {
  it("send the logical request's id and ask for it back", async () => {
    const { sent, send } = scripted(response(200));
    await through(clientRequestIdPolicy(), send)(request());
    expect(sent[0]?.headers).toStrictEqual({
      "client-request-id": "crid",
      "return-client-request-id": "true",
    });
  });

  it("ask for JSON, name the tool when told its name, and say JSON only when sending a body", async () => {
    const { sent, send } = scripted(response(200));
    await through(graphHeadersPolicy("intune-gitops/1.2.3"), send)(request());
    await through(
      graphHeadersPolicy(undefined),
      send,
    )(request({ method: "PATCH", body: '{"a":1}' }));
    expect(sent.map((sending) => sending.headers)).toStrictEqual([
      { accept: "application/json", "user-agent": "intune-gitops/1.2.3" },
      { accept: "application/json", "content-type": "application/json" },
    ]);
  });
});

describe("bearerTokenPolicy", () => {
  /** A provider whose cached token is `old` until a fresh one is asked for. */
  function provider() {
    const calls: (boolean | undefined)[] = [];
    let cached = "old";
    const getAccessToken = (_signal?: AbortSignal, options?: { readonly fresh?: boolean }) => {
      calls.push(options?.fresh);
      if (options?.fresh === true) cached = "new";
      return Promise.resolve(cached);
    };
    return { calls, getAccessToken };
  }

  it("sends the token; after a 401 gets a fresh one and tries once more, saying so", async () => {
    const tokens = provider();
    const lines: string[] = [];
    const { sent, send } = scripted(response(401), response(200));
    const policy = bearerTokenPolicy(tokens.getAccessToken, (line) => lines.push(line));
    const answer = await through(policy, send)(request({ attempt: 2 }));
    expect(answer.status).toBe(200);
    expect(sent.map((sending) => sending.headers.authorization)).toEqual([
      "Bearer old",
      "Bearer new",
    ]);
    expect(tokens.calls).toEqual([undefined, true]);
    expect(lines).toEqual([
      "GET /beta/x?$select=id → 401 (attempt 2, client-request-id crid): getting a fresh token and trying once more",
    ]);
  });

  it("takes a 401 to the fresh token as a real refusal, on this attempt and the next", async () => {
    const tokens = provider();
    const { sent, send } = scripted(response(401));
    const send401 = through(
      bearerTokenPolicy(tokens.getAccessToken, () => undefined),
      send,
    );
    expect((await send401(request())).status).toBe(401);
    expect(sent).toHaveLength(2);
    // The next attempt gets the fresh token from the cache: a 401 to it is not retried again.
    expect((await send401(request({ attempt: 2 }))).status).toBe(401);
    expect(sent).toHaveLength(3);
    expect(tokens.calls).toEqual([undefined, true, undefined]);
  });

  it("does not ask for a fresh token for any other answer", async () => {
    const tokens = provider();
    const { sent, send } = scripted(response(403));
    const policy = bearerTokenPolicy(tokens.getAccessToken, () => undefined);
    expect((await through(policy, send)(request())).status).toBe(403);
    expect(sent).toHaveLength(1);
    expect(tokens.calls).toEqual([undefined]);
  });
});

describe("answerObserverPolicy", () => {
  it("tells onAnswer each status and each network error, and nothing else", async () => {
    const answers: AttemptAnswer[] = [];
    const hooks = { onAnswer: (answer: AttemptAnswer) => answers.push(answer) };
    const reset = new AttemptFailure("reset", { retriable: true, networkError: "ECONNRESET" });
    const refused = new AttemptFailure("redirect elsewhere", { retriable: false, status: 302 });
    const cancelled = new Error("the request was cancelled");
    const { send } = scripted(response(503), reset, refused, cancelled);
    const observed = through(answerObserverPolicy(), send);
    expect((await observed(request({ hooks }))).status).toBe(503);
    for (const thrown of [reset, refused, cancelled]) {
      await expect(observed(request({ hooks }))).rejects.toBe(thrown);
    }
    expect(answers).toStrictEqual([{ status: 503 }, { networkError: "ECONNRESET" }]);
  });

  it("works without onAnswer", async () => {
    const { send } = scripted(response(200));
    expect((await through(answerObserverPolicy(), send)(request())).status).toBe(200);
  });
});

describe("sameOriginRedirectPolicy", () => {
  const redirect = (status: number, location: string) => response(status, { location });

  function redirecting(...answers: HttpResponse[]) {
    const lines: string[] = [];
    const hops: number[] = [];
    const { sent, send } = scripted(...answers);
    const policy = sameOriginRedirectPolicy(ROOT, (line) => lines.push(line));
    const hooks = {
      beforeSend: (attempt: number) => {
        hops.push(attempt);
        return Promise.resolve();
      },
    };
    const go = (method = "GET") => through(policy, send)(request({ method, hooks, attempt: 3 }));
    return { go, sent, lines, hops };
  }

  it("follows a redirect on the origin, budgeting and tracing every hop", async () => {
    const { go, sent, lines, hops } = redirecting(redirect(302, "/moved?a=1"), response(200));
    expect((await go()).status).toBe(200);
    expect(sent.map((sending) => sending.url.href)).toEqual([
      "https://graph.example/beta/x?$select=id",
      "https://graph.example/moved?a=1",
    ]);
    expect(hops).toEqual([3, 3]);
    expect(lines).toEqual(["GET /beta/x → 302, following the redirect to /moved"]);
  });

  it("returns a redirect status without a location, and a location on another status, as answered", async () => {
    const bare = redirecting(response(302));
    expect((await bare.go()).status).toBe(302);
    expect(bare.sent).toHaveLength(1);
    const created = redirecting(response(201, { location: "/elsewhere" }));
    expect((await created.go()).status).toBe(201);
    expect(created.sent).toHaveLength(1);
  });

  it("keeps a PATCH a PATCH: follows 307 and 308, refuses 301, 302 and 303", async () => {
    for (const status of [307, 308]) {
      const { go, sent } = redirecting(redirect(status, "/moved"), response(204));
      expect((await go("PATCH")).status).toBe(204);
      expect(sent.map((sending) => [sending.method, sending.url.pathname])).toEqual([
        ["PATCH", "/beta/x"],
        ["PATCH", "/moved"],
      ]);
    }
    for (const status of [301, 302, 303]) {
      const { go, sent } = redirecting(redirect(status, "/moved"), response(204));
      const failure = await go("PATCH").catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AttemptFailure);
      expect(failure).toMatchObject({
        message: `Graph answered HTTP ${status} with a redirect that would turn the PATCH into a GET; not following it`,
        retriable: false,
        status,
      });
      expect(sent).toHaveLength(1);
    }
  });

  it("follows five redirects and refuses a sixth", async () => {
    const five = redirecting(
      ...Array.from({ length: 5 }, () => redirect(307, "/r")),
      response(200),
    );
    expect((await five.go()).status).toBe(200);
    expect(five.sent).toHaveLength(6);

    const endless = redirecting(redirect(307, "/r"));
    const failure = await endless.go().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      message:
        "Graph answered HTTP 307 with a redirect that leads to too many more; not following it",
      retriable: false,
      status: 307,
    });
    expect(endless.sent).toHaveLength(6);
  });
});
