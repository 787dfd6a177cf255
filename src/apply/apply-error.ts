import type { GraphRequestErrorDetails } from "../graph/types.ts";
import type { ApplyError } from "./model.ts";

/** Graph's error in our terms; anything else (auth, a bug in a client) by its message. */
export function toApplyError(error: unknown): ApplyError {
  if (error instanceof Error && error.name === "GraphRequestError" && "details" in error) {
    const details = (error as { details: GraphRequestErrorDetails }).details;
    return {
      message: error.message,
      ...(details.code === undefined ? {} : { code: details.code }),
      ...(details.status === undefined ? {} : { status: details.status }),
      ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
      ...(details.stoppedBeforeRetry === true ? { interrupted: true } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
