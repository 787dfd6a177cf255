import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../http-transport.ts";
import { AttemptFailure } from "./attempt-failure.ts";
import { readActionResponse, readDocument, readPage, readPatchResponse } from "./responses.ts";

const LABEL = "GET /beta/x";

function answer(status: number, body: string, headers: HttpResponse["headers"] = {}): HttpResponse {
  return { status, statusText: "", headers, body: Buffer.from(body) };
}

/** What reading `body` throws, as the failure the retry decision sees. */
function failureOf(read: () => unknown): AttemptFailure {
  try {
    read();
  } catch (error) {
    if (error instanceof AttemptFailure) return error;
    throw error;
  }
  throw new Error("expected the read to fail");
}

/** `levels` objects nested in one another, the outermost being the body. */
function nested(levels: number): string {
  let text = "{}";
  for (let level = 1; level < levels; level++) text = `{"a":${text}}`;
  return text;
}

describe("a 2xx body that is not JSON", () => {
  it.each([
    ["<html><body>busy</body></html>", "an HTML page"],
    ["\n  <!DOCTYPE html>", "an HTML page"],
    ["", "an empty body"],
    [" \r\n ", "an empty body"],
    ['{"value":[{"id":"a","displayName":"<b', "a body that is not valid JSON"],
  ])("is a malformed body worth another try: %j is %s", (body, what) => {
    const failure = failureOf(() => readPage(answer(200, body), LABEL));
    expect(failure.message).toBe(
      `GET /beta/x answered HTTP 200 with ${what} instead of Graph's JSON`,
    );
    expect(failure).toMatchObject({ retriable: true, malformedBody: true, status: 200 });
  });
});

describe("readPage", () => {
  it("returns the objects and the next page's link", () => {
    const body = { value: [{ id: "a" }, { id: "b", x: null }], "@odata.nextLink": "https://g/n" };
    expect(readPage(answer(200, JSON.stringify(body)), LABEL)).toStrictEqual({
      value: [{ id: "a" }, { id: "b", x: null }],
      nextLink: "https://g/n",
    });
  });

  it("takes a null or absent nextLink for the last page", () => {
    for (const last of [{ value: [], "@odata.nextLink": null }, { value: [] }]) {
      expect(readPage(answer(200, JSON.stringify(last)), LABEL)).toStrictEqual({ value: [] });
    }
  });

  it("refuses an item whose id is empty, without retrying", () => {
    const failure = failureOf(() => readPage(answer(200, '{"value":[{"id":""}]}'), LABEL));
    expect(failure.message).toBe(
      "GET /beta/x answered HTTP 200 but item 0 of `value` has no string `id`",
    );
    expect(failure).toMatchObject({ retriable: false, malformedBody: false, status: 200 });
  });
});

describe("readDocument", () => {
  it("reads a body nested as deep as the bound, and null values at any depth", () => {
    expect(readDocument(answer(200, nested(64)), LABEL)).toBeTypeOf("object");
    const withNulls = { a: null, b: [null, { c: null }], d: { e: { f: null } } };
    expect(readDocument(answer(200, JSON.stringify(withNulls)), LABEL)).toStrictEqual(withNulls);
  });

  it("refuses a body nested one level deeper than the bound, without retrying", () => {
    const failure = failureOf(() => readDocument(answer(200, nested(65)), LABEL));
    expect(failure.message).toBe(
      "GET /beta/x answered HTTP 200 but the body nests deeper than 64 levels",
    );
    expect(failure).toMatchObject({ retriable: false, status: 200 });
    // Lists count as levels too.
    const lists = `{"a":${"[".repeat(64)}${"]".repeat(64)}}`;
    expect(() => readDocument(answer(200, lists), LABEL)).toThrow("nests deeper than 64 levels");
    const listsAtBound = `{"a":${"[".repeat(63)}${"]".repeat(63)}}`;
    expect(readDocument(answer(200, listsAtBound), LABEL)).toBeTypeOf("object");
  });
});

describe("readActionResponse", () => {
  it("returns Graph's request-id when it sent one, and nothing else", () => {
    expect(readActionResponse(answer(204, "", { "request-id": "r-1" }))).toStrictEqual({
      requestId: "r-1",
    });
    expect(readActionResponse(answer(204, ""))).toStrictEqual({});
  });
});

describe("readPatchResponse", () => {
  it("takes 204, or a 2xx without a body, as written without an echo", () => {
    expect(readPatchResponse(answer(204, ""))).toStrictEqual({ status: 204 });
    expect(readPatchResponse(answer(200, "", { "request-id": "r-2" }))).toStrictEqual({
      status: 204,
      requestId: "r-2",
    });
    // A 204 that carries a body anyway: the status decides.
    expect(readPatchResponse(answer(204, '{"id":"x"}'))).toStrictEqual({ status: 204 });
  });

  it("returns the object Graph echoed with a 200", () => {
    expect(
      readPatchResponse(answer(200, '{"id":"x","a":1}', { "request-id": "r-3" })),
    ).toStrictEqual({
      status: 200,
      object: { id: "x", a: 1 },
      requestId: "r-3",
    });
  });

  it("takes a 200 whose echo is not the object as written, without the echo", () => {
    for (const body of ["not json", '{"a":1}', '{"id":7}', "[1]", "null"]) {
      expect(readPatchResponse(answer(200, body)), body).toStrictEqual({ status: 200 });
      expect(readPatchResponse(answer(200, body, { "request-id": "r" })), body).toStrictEqual({
        status: 200,
        requestId: "r",
      });
    }
  });
});
