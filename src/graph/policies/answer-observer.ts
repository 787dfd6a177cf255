import { AttemptFailure } from "../attempt-failure.ts";
import type { PipelinePolicy } from "../pipeline.ts";

/**
 * Tells the caller's `onAnswer` what each request sent got back: a status, or a network error
 * (a circuit breaker listens here). A refused redirect is the client's decision, not an answer.
 */
export function answerObserverPolicy(): PipelinePolicy {
  return {
    name: "answerObserver",
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        request.hooks.onAnswer?.({ status: response.status });
        return response;
      } catch (error) {
        if (error instanceof AttemptFailure && error.networkError !== undefined) {
          request.hooks.onAnswer?.({ networkError: error.networkError });
        }
        throw error;
      }
    },
  };
}
