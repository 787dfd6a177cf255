import { afterEach, describe, expect, it } from "vitest";
import { exitCodeOf } from "../cli/exit-error.ts";
import { AuthError, TokenTimeoutError, explainAuthFailure, parseAadsts } from "./auth-error.ts";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";

afterEach(() => {
  clearRegisteredSecretsForTests();
});

const context = {
  tenantName: "contoso",
  method: "clientSecret" as const,
  auth: { method: "clientSecret" as const, clientId: "app-1", clientSecretEnv: "CONTOSO_SECRET" },
  tenantId: "dir-1",
  authorityHost: "https://login.microsoftonline.com",
  timeoutInMs: 30_000,
};

// The shape @azure/identity 4 gives for a 401 from the token endpoint (AuthenticationRequiredError).
const libraryMessage =
  "ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. Trace ID: 0f1e2d3c-aaaa Correlation ID: 9a8b7c6d-bbbb Timestamp: 2025-01-01 00:00:00Z\nTo troubleshoot, visit https://aka.ms/azsdk/js/identity/serviceprincipalauthentication/troubleshoot.";

describe("parseAadsts", () => {
  it("extracts the code, the sentence and the support ids", () => {
    expect(parseAadsts(libraryMessage)).toEqual({
      code: "7000215",
      text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
      trace: "Trace ID 0f1e2d3c-aaaa, Correlation ID 9a8b7c6d-bbbb",
    });
  });
  it("stops at the end of a JSON string", () => {
    expect(
      parseAadsts('{"error_description":"AADSTS700016: Application not found.\\r\\nTrace ID: x"}')
        ?.text,
    ).toBe("Application not found.");
  });
  it("returns undefined without an AADSTS code", () => {
    expect(parseAadsts("socket hang up")).toBeUndefined();
  });
});

describe("explainAuthFailure", () => {
  it("gives tenant, method, AADSTS code and text, and the fix naming the variable", () => {
    const error = explainAuthFailure(new Error(libraryMessage), context);
    expect(error).toBeInstanceOf(AuthError);
    expect(exitCodeOf(error)).toBe(1);
    expect(error.aadsts).toBe("7000215");
    expect(error.message).toBe(
      "tenant contoso: could not get a token with method clientSecret (app app-1, directory dir-1): AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. (Trace ID 0f1e2d3c-aaaa, Correlation ID 9a8b7c6d-bbbb). Fix: the client secret in $CONTOSO_SECRET is wrong or expired: create a new one in Entra ID > App registrations > Certificates & secrets, and store its Value (not its Secret ID)",
    );
  });

  it("finds the AADSTS text in causes and aggregated errors", () => {
    const inner = new Error(
      "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'.",
    );
    const outer = Object.assign(new Error("DefaultAzureCredential failed"), { errors: [inner] });
    const error = explainAuthFailure(outer, { ...context, method: "default" });
    expect(error.aadsts).toBe("700016");
    expect(error.message).toContain("Fix: the app is not registered in this directory");
    const withCause = explainAuthFailure(new Error("wrapped", { cause: inner }), context);
    expect(withCause.aadsts).toBe("700016");
  });

  it("gives GitHub-specific advice for an unmatched federated credential", () => {
    const error = explainAuthFailure(
      new Error("AADSTS70021: No matching federated identity record found."),
      {
        ...context,
        method: "githubOidc",
        auth: { method: "githubOidc", clientId: "app-1" },
      },
    );
    expect(error.message).toContain("issuer https://token.actions.githubusercontent.com");
  });

  it("explains a timeout with the host", () => {
    const error = explainAuthFailure(new TokenTimeoutError("x"), context);
    expect(error.message).toBe(
      "tenant contoso: could not get a token with method clientSecret (app app-1, directory dir-1): https://login.microsoftonline.com did not answer within 30 s. Check that this machine can reach https://login.microsoftonline.com (and HTTPS_PROXY / NO_PROXY if a proxy is in the way)",
    );
  });

  it("explains MSAL's bare network codes", () => {
    const network = explainAuthFailure(
      new Error("network_error: See https://aka.ms/msal.js.errors#network_error for details"),
      context,
    );
    expect(network.message).toBe(
      "tenant contoso: could not get a token with method clientSecret (app app-1, directory dir-1): the token request to https://login.microsoftonline.com failed (MSAL network_error: the connection was refused or reset, no answer came within 30 s, or the answer was not the JSON a token endpoint sends). Check that this machine can reach https://login.microsoftonline.com (and HTTPS_PROXY / NO_PROXY if a proxy is in the way)",
    );
    const discovery = explainAuthFailure(
      new Error(
        "endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details",
      ),
      context,
    );
    expect(discovery.message).toContain(
      "could not read the sign-in configuration from https://login.microsoftonline.com/dir-1/v2.0/.well-known/openid-configuration",
    );
  });

  it("never repeats a secret the library echoed", () => {
    registerSecret("super-secret-value-123");
    const error = explainAuthFailure(
      new Error(
        "request failed: client_secret=super-secret-value-123&grant_type=client_credentials super-secret-value-123",
      ),
      context,
    );
    expect(error.message).not.toContain("super-secret-value-123");
    expect(error.message).toContain("client_secret=[redacted]");
  });

  it("keeps only the useful lines of other errors and advises per method", () => {
    const error = explainAuthFailure(
      new Error(
        "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions\n    at x (y.js:1:1)",
      ),
      { tenantName: "t", method: "azureCli" },
    );
    expect(error.message).toBe(
      "tenant t: could not get a token with method azureCli: Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions. Fix: install the Azure CLI and run `az login` (with `--tenant` for this directory, and `az cloud set` for a national cloud)",
    );
  });

  it("passes an AuthError through unchanged", () => {
    const original = new AuthError("tenant t: CONTOSO_SECRET is not set", { tenant: "t" });
    expect(explainAuthFailure(original, context)).toBe(original);
  });
});
