import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GraphVersion } from "../../src/resources/types.ts";

/** The seed Graph pages the project was created from, copied from `shared/seeds/`. */
export const SEEDS_DIR = fileURLToPath(new URL("../fixtures/seeds/", import.meta.url));

export interface SeedPage {
  file: string;
  graphVersion: GraphVersion;
  /** The Graph entity type the page updates, e.g. `remoteAssistancePartner`. */
  graphType: string;
  /** The example PATCH request body. */
  request: Record<string, unknown>;
  /** The example 200 response body. */
  response: Record<string, unknown>;
  /** Property names from the page's request-body table (English text, `id` included). */
  tableProperties: string[];
}

/** Every seed page, with its example bodies parsed. */
export function loadSeedPages(): SeedPage[] {
  return readdirSync(SEEDS_DIR)
    .filter((file) => file.endsWith(".txt"))
    .sort()
    .map((file) => parseSeedPage(file, readFileSync(SEEDS_DIR + file, "utf8")));
}

function parseSeedPage(file: string, text: string): SeedPage {
  const patchUrl =
    /PATCH https:\/\/graph\.microsoft\.com\/(v1\.0|beta)\/deviceManagement\/(\w+)\//.exec(text);
  if (!patchUrl) throw new Error(`${file}: no example PATCH request`);
  const bodies = [...text.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map(
    (match) => JSON.parse(match[0]) as Record<string, unknown>,
  );
  const [request, response] = bodies;
  if (!request || !response) throw new Error(`${file}: expected a request and a response body`);
  const collection = patchUrl[2]!;
  return {
    file,
    graphVersion: patchUrl[1] as GraphVersion,
    graphType: collection.replace(/s$/, ""),
    request,
    response,
    tableProperties: tablePropertyNames(text),
  };
}

/** Property names from the page's `|Property|Type|Description|` table, or its sxs-lookup spans. */
const GRAPH_ENUM_TYPES = new Set([
  "remoteAssistanceOnboardingStatus",
  "deviceManagementPartnerAppType",
  "deviceManagementPartnerTenantState",
]);

function tablePropertyNames(text: string): string[] {
  const markdownRows = [...text.matchAll(/^\|(\w+)\|[^|]*\|[^|]*\|$/gm)].map((row) => row[1]!);
  const names = markdownRows.filter((name) => name !== "Property" && name !== "Header");
  if (names.length > 0) return names.filter((name) => /^[a-z]/.test(name));
  // Localised pages: the English text of each cell sits in a sxs-lookup span; the table's cells
  // (name, type, description) follow its "Description" header and end before "Response". Names
  // are the camelCase identifiers among them; a type cell can look like one too (an enum type).
  const spans = [...text.matchAll(/class="sxs-lookup"><span data-stu-id="[^"]*">([^<]*)</g)].map(
    (span) => span[1]!.trim(),
  );
  const start = spans.indexOf("Description");
  const end = spans.indexOf("Response", start);
  return spans
    .slice(start + 1, end)
    .filter((cell) => /^[a-z][A-Za-z]*$/.test(cell) && !GRAPH_ENUM_TYPES.has(cell));
}
