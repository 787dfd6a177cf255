import { withHeaders, type PipelinePolicy } from "../pipeline.ts";

/**
 * `client-request-id`: the logical request's id on each of its attempts (with
 * `return-client-request-id`), so Microsoft support can see every attempt of one call together.
 */
export function clientRequestIdPolicy(): PipelinePolicy {
  return {
    name: "clientRequestId",
    sendRequest: (request, next) =>
      next(
        withHeaders(request, {
          "client-request-id": request.clientRequestId,
          "return-client-request-id": "true",
        }),
      ),
  };
}

/** What every Graph request says about itself: JSON in and out, and who is asking. */
export function graphHeadersPolicy(userAgent: string | undefined): PipelinePolicy {
  return {
    name: "graphHeaders",
    sendRequest: (request, next) =>
      next(
        withHeaders(request, {
          accept: "application/json",
          ...(userAgent === undefined ? {} : { "user-agent": userAgent }),
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
        }),
      ),
  };
}
