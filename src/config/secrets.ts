import type { Diagnostic } from "../diagnostics.ts";
import { ENV_VAR_NAME_PATTERN } from "./formats.ts";
import { GUID_PATTERN } from "../guid.ts";
import { display } from "./issues.ts";
import { isMapping } from "./schema-walk.ts";
import type { Path, PlainValue, SourceDocument } from "./yaml-document.ts";

/**
 * Secrets written into the configuration. The configuration is committed and reviewed in pull
 * requests, so a secret in it is already leaked: the tool refuses it, says to rotate it, and shows
 * how to name an environment variable instead. It never repeats the value.
 *
 * Checked in every document whatever its kind, so a misspelt `kind` does not hide a secret.
 */

/** Keys that can only hold a secret: `clientSecret`, `password`, `clientAssertion`, tokens, ... */
export function isSecretKey(key: string): boolean {
  if (/env$/i.test(key)) return false;
  return (
    /(secret|password|passwd|passphrase|assertion)$/i.test(key) ||
    /^(access|refresh|id|bearer)?token$/i.test(key) ||
    /^(private|api)key$/i.test(key)
  );
}

/** True for a path whose value must never be echoed: under `auth`, a secret key, or a `*Env`. */
export function isSensitivePath(path: Path): boolean {
  // `auth.method` is a fixed word, safe to repeat; anything else under auth could be a pasted secret.
  if (path[path.length - 1] === "method") return false;
  return path.some(
    (segment) =>
      typeof segment === "string" &&
      (segment === "auth" || isSecretKey(segment) || /Env$/.test(segment)),
  );
}

export interface SecretFindings {
  readonly diagnostics: readonly Diagnostic[];
  /** Paths reported here, so that schema validation does not report them a second time. */
  readonly paths: readonly Path[];
}

export function findInlineSecrets(document: SourceDocument): SecretFindings {
  const diagnostics: Diagnostic[] = [];
  const paths: Path[] = [];
  const visit = (value: PlainValue, path: Path) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!isMapping(value)) return;
    for (const key of Object.keys(value)) {
      const child = value[key]!;
      const childPath = [...path, key];
      if (isSecretKey(key)) {
        paths.push(childPath);
        diagnostics.push({
          severity: "error",
          code: "inline-secret",
          summary: `${display(childPath)}: secrets must not be written in the configuration`,
          detail: `remove ${key} (if a real secret was committed, rotate it: it stays in git history), keep the secret in an environment variable (a CI secret), and name that variable instead: ${replacementFor(key)}`,
          source: document.locate(childPath, "key"),
        });
        continue;
      }
      if (/Env$/.test(key) && typeof child === "string" && !ENV_VAR_NAME_PATTERN.test(child)) {
        paths.push(childPath);
        diagnostics.push(envValueDiagnostic(document, childPath, key, child));
        continue;
      }
      visit(child, childPath);
    }
  };
  visit(document.value, []);
  return { diagnostics, paths };
}

function envValueDiagnostic(
  document: SourceDocument,
  path: Path,
  key: string,
  value: string,
): Diagnostic {
  const source = document.locate(path);
  const reference = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value.trim());
  if (reference) {
    return {
      severity: "error",
      code: "invalid-env-var-name",
      summary: `${display(path)} is a variable reference, not a variable name`,
      detail: `write the name without $: ${key}: ${reference[1]}`,
      source,
    };
  }
  if (key === "clientIdEnv" && GUID_PATTERN.test(value.trim())) {
    return {
      severity: "error",
      code: "invalid-env-var-name",
      summary: `${display(path)} holds an id, not the name of an environment variable`,
      detail:
        "write the id as clientId, or put it in an environment variable and write that variable's name: clientIdEnv: INTUNE_GITOPS_CLIENT_ID",
      source,
    };
  }
  if (looksLikeSecret(value)) {
    return {
      severity: "error",
      code: "inline-secret",
      summary: `${display(path)} holds what looks like a secret, not the name of an environment variable`,
      detail: `put the secret in an environment variable and write that variable's name: ${key}: AZURE_CLIENT_SECRET (if a real secret was committed, rotate it: it stays in git history)`,
      source,
    };
  }
  return {
    severity: "error",
    code: "invalid-env-var-name",
    summary: `${display(path)} is not an environment variable name`,
    detail:
      "write the variable's name: letters, digits and underscores, not starting with a digit (e.g. AZURE_CLIENT_SECRET)",
    source,
  };
}

/** Long, without spaces, and mixing character classes the way generated secrets do. */
function looksLikeSecret(value: string): boolean {
  if (value.length < 16 || /\s/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) =>
    pattern.test(value),
  ).length;
  return classes >= 3 || /[~+/=]/.test(value);
}

function replacementFor(key: string): string {
  const lower = key.toLowerCase();
  if (lower.includes("certificate") || lower === "password" || lower.includes("passphrase")) {
    return "certificatePasswordEnv: AZURE_CLIENT_CERTIFICATE_PASSWORD (method: certificate)";
  }
  if (lower.includes("assertion") || lower.includes("token")) {
    return "none is needed with method: githubOidc or workloadIdentity, which fetch the token themselves";
  }
  return "clientSecretEnv: AZURE_CLIENT_SECRET (method: clientSecret)";
}
