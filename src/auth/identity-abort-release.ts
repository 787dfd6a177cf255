/**
 * A work-around for a leak in `@azure/identity` (Azure/azure-sdk-for-js#26161, open): its
 * IdentityClient keeps an AbortController for every request it sends (each token request, each
 * authority metadata request) in a map it empties only when a request is aborted, and nothing
 * aborts a finished request. A credential serves up to 64 tenants for a whole run, so at the end
 * of a 2,000-tenant plan its credentials held about 2,700 of them: 4 MB of the 57 MB live at the
 * run's peak (bench/RESULTS.md, change 19).
 *
 * The library registers its clean-up as the signal's `onabort` handler. This policy, first on the
 * credential's own pipeline, calls that handler once the request has its answer or has failed:
 * the request is over, and nothing else reads the map (the library's `abortRequests` is never
 * called). The signal is not aborted.
 *
 * `@azure/identity` is a caret dependency, so a user may install a version we never ran. The
 * handler is therefore called only when it is the clean-up we know: its source empties the
 * client's `abortControllers` map (`IdentityClient.generateAbortSignal`, 4.x). Any other handler
 * (a later version's, or a caller's own signal with work of its own on abort) is left alone: then
 * the leak comes back, which costs memory only.
 */
import type { ClientSecretCredentialOptions } from "@azure/identity";

type PipelinePolicy = NonNullable<
  ClientSecretCredentialOptions["additionalPolicies"]
>[number]["policy"];
type PipelineRequest = Parameters<PipelinePolicy["sendRequest"]>[0];

export function releaseAbortControllersPolicy(): PipelinePolicy {
  return {
    name: "intuneGitopsReleaseAbortControllers",
    async sendRequest(request, next) {
      try {
        return await next(request);
      } finally {
        releaseLibraryController(request.abortSignal);
      }
    },
  };
}

function releaseLibraryController(signal: PipelineRequest["abortSignal"]): void {
  if (signal === undefined || !("onabort" in signal)) return;
  const cleanUp = signal.onabort;
  if (typeof cleanUp !== "function" || !isLibraryCleanUp(cleanUp)) return;
  Reflect.apply(cleanUp, signal, [new Event("abort")]);
}

/** The handler is `@azure/identity`'s own: it empties the client's map of controllers. */
function isLibraryCleanUp(handler: object): boolean {
  return /\babortControllers\.set\(/.test(Function.prototype.toString.call(handler));
}
