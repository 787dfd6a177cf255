/**
 * A capture: the answers a real tenant's Graph gave to `intune-gitops doctor --capture FILE`,
 * redacted (no token, no secret, no person's name or address; ids kept), which the emulator can
 * serve again (`intune-gitops emulator --replay FILE`, `startEmulator({ replay })`). It is how a
 * user shows a difference between the emulator and the real service: the doctor run that found
 * it, replayed, shows the same answers to a test.
 *
 * Shared vocabulary: the doctor writes it, the emulator reads it, and neither imports the other.
 */
import { z } from "./zod.ts";
import { isJsonObject, type JsonObject } from "./json.ts";

export const GRAPH_CAPTURE_FORMAT = "intune-gitops-graph-capture";
export const GRAPH_CAPTURE_VERSION = 1;

export interface GraphCapture {
  readonly format: typeof GRAPH_CAPTURE_FORMAT;
  readonly format_version: typeof GRAPH_CAPTURE_VERSION;
  /** When the answers were received (ISO 8601). */
  readonly captured_at: string;
  readonly tool_version: string;
  /** The tenant asked: its name in the configuration, its GUID and cloud. */
  readonly tenant: { readonly name: string; readonly tenant_id: string; readonly cloud: string };
  /** The Graph root asked, e.g. `https://graph.microsoft.com`: links in bodies start with it. */
  readonly graph_url: string;
  /** The permissions (`roles`) of the token that asked; never the token. */
  readonly roles: readonly string[];
  readonly answers: readonly CapturedAnswer[];
}

/** One GET and Graph's final answer to it (after retries). */
export interface CapturedAnswer {
  readonly method: "GET";
  /** Under the Graph root, with the version: `/beta/deviceManagement/remoteAssistancePartners`. */
  readonly path: string;
  /** The query options as sent, decoded: `{ "$select": "id,displayName" }`. */
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  /** Graph's JSON body; an error's is `{ error: { code, message } }`. */
  readonly body: JsonObject;
}

const Capture = z.object({
  format: z.literal(GRAPH_CAPTURE_FORMAT),
  format_version: z.literal(GRAPH_CAPTURE_VERSION),
  captured_at: z.string(),
  tool_version: z.string(),
  tenant: z.object({ name: z.string().min(1), tenant_id: z.string().min(1), cloud: z.string() }),
  graph_url: z.string(),
  roles: z.array(z.string()),
  answers: z.array(
    z.object({
      method: z.literal("GET"),
      path: z.string().startsWith("/"),
      query: z.record(z.string(), z.string()),
      status: z.number().int().min(100).max(599),
      body: z.custom<JsonObject>(isJsonObject, "must be a JSON object"),
    }),
  ),
});

/** Reads a capture from its JSON text; throws an Error naming every problem. */
export function parseGraphCapture(text: string, where = "capture"): GraphCapture {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${where}: not JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const result = Capture.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new Error(
      `${where} is not an intune-gitops capture (format ${GRAPH_CAPTURE_FORMAT}, version ${GRAPH_CAPTURE_VERSION}):\n${problems.join("\n")}`,
    );
  }
  return result.data;
}

/**
 * What identifies a request among the captured ones: method, path (Graph matches it regardless
 * of case) and the query options, in any order.
 */
export function capturedAnswerKey(
  method: string,
  path: string,
  query: Readonly<Record<string, string>>,
): string {
  const options = Object.entries(query)
    .map(([name, value]) => `${name.toLowerCase()}=${value}`)
    .sort();
  return `${method.toUpperCase()} ${path.replace(/\/+$/, "").toLowerCase()}?${options.join("&")}`;
}
