import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTokenProvider } from "./token-provider.ts";

/**
 * A TokenCredential written for the test: the real @azure/identity is exercised against the
 * emulator in test/auth; here only the provider's own sharing, caching and bounding.
 */
class ScriptedCredential implements TokenCredential {
  calls = 0;
  signals: GetTokenOptions["abortSignal"][] = [];
  readonly answer: (call: number) => Promise<AccessToken | null>;
  constructor(answer: (call: number) => Promise<AccessToken | null>) {
    this.answer = answer;
  }
  getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.calls++;
    this.signals.push(options?.abortSignal);
    return this.answer(this.calls);
  }
}

const base = {
  scope: "https://graph.microsoft.com/.default",
  tenantName: "contoso",
  method: "clientSecret" as const,
};

afterEach(() => {
  vi.useRealTimers();
});

describe("createTokenProvider", () => {
  it("shares one in-flight request between concurrent callers", async () => {
    let release: (token: AccessToken) => void = () => {};
    const credential = new ScriptedCredential(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const provider = createTokenProvider(credential, base);
    const waiting = Promise.all([
      provider.getAccessToken(),
      provider.getAccessToken(),
      provider.getAccessToken(),
    ]);
    await Promise.resolve();
    release({ token: "tok-1", expiresOnTimestamp: Date.now() + 3600_000 });
    expect(await waiting).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(credential.calls).toBe(1);
  });

  it("caches until near expiry, then asks again", async () => {
    let clock = 1_000_000;
    const credential = new ScriptedCredential((call) =>
      Promise.resolve({ token: `tok-${call}`, expiresOnTimestamp: clock + 600_000 }),
    );
    const provider = createTokenProvider(credential, {
      ...base,
      now: () => clock,
      refreshMarginInMs: 60_000,
    });
    expect(await provider.getAccessToken()).toBe("tok-1");
    clock += 500_000;
    expect(await provider.getAccessToken()).toBe("tok-1");
    clock += 50_000; // 50 s left: inside the margin
    expect(await provider.getAccessToken()).toBe("tok-2");
    expect(credential.calls).toBe(2);
  });

  it("reuses a token shorter-lived than the margin until half its life, never past its expiry", async () => {
    let clock = 1_000_000;
    const credential = new ScriptedCredential((call) =>
      Promise.resolve({ token: `tok-${call}`, expiresOnTimestamp: clock + 100_000 }),
    );
    const provider = createTokenProvider(credential, {
      ...base,
      now: () => clock,
      refreshMarginInMs: 120_000,
    });
    expect(await provider.getAccessToken()).toBe("tok-1");
    clock += 49_000;
    expect(await provider.getAccessToken()).toBe("tok-1");
    clock += 1_000; // half its life: replaced
    expect(await provider.getAccessToken()).toBe("tok-2");
    expect(credential.calls).toBe(2);
  });

  it("fresh: asks again although a token is cached, with a claims challenge that makes MSAL skip its cache", async () => {
    const claims: (string | undefined)[] = [];
    const credential: TokenCredential = {
      getToken: (_scopes, options) => {
        claims.push(options?.claims);
        return Promise.resolve({
          token: `tok-${claims.length}`,
          expiresOnTimestamp: Date.now() + 3600_000,
        });
      },
    };
    const provider = createTokenProvider(credential, base);
    expect(await provider.getAccessToken()).toBe("tok-1");
    expect(await provider.getAccessToken()).toBe("tok-1");
    expect(await provider.getAccessToken(undefined, { fresh: true })).toBe("tok-2");
    expect(await provider.getAccessToken()).toBe("tok-2");
    expect(claims[0]).toBeUndefined();
    expect(JSON.parse(claims[1] ?? "{}")).toMatchObject({
      access_token: { nbf: { essential: true } },
    });
  });

  it("does not cache a failure", async () => {
    const credential = new ScriptedCredential((call) =>
      call === 1
        ? Promise.reject(new Error("AADSTS7000215: Invalid client secret provided."))
        : Promise.resolve({ token: "tok", expiresOnTimestamp: Date.now() + 3600_000 }),
    );
    const provider = createTokenProvider(credential, base);
    await expect(provider.getAccessToken()).rejects.toThrow("AADSTS7000215");
    expect(await provider.getAccessToken()).toBe("tok");
  });

  it("bounds a credential that never answers, and aborts its signal", async () => {
    vi.useFakeTimers();
    const credential = new ScriptedCredential(() => new Promise(() => {}));
    const provider = createTokenProvider(credential, {
      ...base,
      timeoutInMs: 2_000,
      authorityHost: "https://login.example",
    });
    const result = provider.getAccessToken();
    const assertion = expect(result).rejects.toThrow(
      "tenant contoso: could not get a token with method clientSecret: https://login.example did not answer within 2 s.",
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await assertion;
    expect(credential.signals[0]?.aborted).toBe(true);
  });

  it("lets one caller stop waiting without failing the others", async () => {
    let release: (token: AccessToken) => void = () => {};
    const credential = new ScriptedCredential(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const provider = createTokenProvider(credential, base);
    const controller = new AbortController();
    const impatient = provider.getAccessToken(controller.signal);
    const patient = provider.getAccessToken();
    controller.abort(new Error("stop"));
    await expect(impatient).rejects.toThrow("stop");
    release({ token: "tok", expiresOnTimestamp: Date.now() + 3600_000 });
    expect(await patient).toBe("tok");
  });

  it("treats a null token as a failure", async () => {
    const provider = createTokenProvider(new ScriptedCredential(() => Promise.resolve(null)), base);
    await expect(provider.getAccessToken()).rejects.toThrow("the credential returned no token");
  });
});
