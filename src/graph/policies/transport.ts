import { redact } from "../../redact.ts";
import { HttpTransportError, type HttpTransport } from "../../http-transport.ts";
import { AttemptFailure } from "../attempt-failure.ts";
import type { SendAttempt } from "../pipeline.ts";
import { isRetriableNetworkError } from "../retry-policy.ts";

/**
 * The pipeline's last step: one exchange on the wire, with the client's limits. A network
 * failure becomes a retriable (or not) `AttemptFailure`; a cancellation stays what it is.
 */
export function transportStep(
  transport: HttpTransport,
  limits: { readonly timeoutInMs: number; readonly maxResponseBytes: number },
): SendAttempt {
  return async (request) => {
    try {
      return await transport.send({
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutInMs: limits.timeoutInMs,
        maxResponseBytes: limits.maxResponseBytes,
        ...(request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal }),
      });
    } catch (error) {
      if (!(error instanceof HttpTransportError) || error.code === "EABORTED") throw error;
      throw new AttemptFailure(redact(error.message), {
        retriable:
          error.code !== "ERESPONSETOOLARGE" &&
          error.code !== "EPROTOCOL" &&
          isRetriableNetworkError(error.code),
        networkError: error.code,
      });
    }
  };
}
