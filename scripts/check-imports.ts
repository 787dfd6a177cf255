/**
 * Fails when an import in `src/` breaks the layering written in docs/architecture.md: a folder
 * importing one it may not, or two folders importing each other (type-only imports included).
 * `npm run check` runs it; run it alone with `npm run check:imports`. Tests (`*.test.ts`) are
 * left out: a test may reach across stages to set its scene.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkImports, importEdges, parseImportRules } from "./import-rules.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

const rules = parseImportRules(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"));
const files = sourceFiles(join(ROOT, "src"));
const edges = files.flatMap((file) =>
  importEdges(relative(ROOT, file).split("\\").join("/"), readFileSync(file, "utf8")),
);
const problems = checkImports(edges, rules);
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`\n${problems.length} import rule problem(s); the rules: docs/architecture.md`);
  process.exitCode = 1;
} else {
  const pending = rules.knownExceptions.size;
  console.log(
    `imports: ${files.length} files follow docs/architecture.md` +
      (pending > 0 ? ` (${pending} known exception(s) still to remove)` : ""),
  );
}
