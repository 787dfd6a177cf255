import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../http-transport.ts";
import {
  createPipeline,
  withHeaders,
  type AttemptRequest,
  type PipelinePolicy,
} from "./pipeline.ts";

const request: AttemptRequest = {
  method: "GET",
  url: new URL("https://graph.example/v1.0/x"),
  headers: {},
  clientRequestId: "id-1",
  attempt: 1,
  hooks: {},
};

const ok: HttpResponse = { status: 200, statusText: "OK", headers: {}, body: Buffer.from("{}") };

describe("createPipeline", () => {
  it("runs the policies outermost first, each seeing what the ones before it added", async () => {
    const trace: string[] = [];
    const tagging = (name: string): PipelinePolicy => ({
      name,
      async sendRequest(current, next) {
        trace.push(`${name} sees ${Object.keys(current.headers).join(",") || "nothing"}`);
        const response = await next(withHeaders(current, { [name]: "1" }));
        trace.push(`${name} gets ${response.status}`);
        return response;
      },
    });
    const send = createPipeline([tagging("a"), tagging("b")], (last) => {
      trace.push(`transport sends ${Object.keys(last.headers).join(",")}`);
      return Promise.resolve(ok);
    });
    await send(request);
    expect(trace).toEqual([
      "a sees nothing",
      "b sees a",
      "transport sends a,b",
      "b gets 200",
      "a gets 200",
    ]);
  });

  it("lets a policy send twice (a fresh token after a 401) or not at all", async () => {
    let sent = 0;
    const twice: PipelinePolicy = {
      name: "twice",
      sendRequest: async (current, next) => {
        await next(current);
        return next(current);
      },
    };
    const never: PipelinePolicy = { name: "never", sendRequest: () => Promise.resolve(ok) };
    const transport = () => {
      sent++;
      return Promise.resolve(ok);
    };
    await createPipeline([twice], transport)(request);
    expect(sent).toBe(2);
    await createPipeline([never], transport)(request);
    expect(sent).toBe(2);
  });
});
