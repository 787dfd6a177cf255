import { describe, expect, it } from "vitest";
import {
  checkImports,
  folderCycles,
  folderOf,
  importEdges,
  parseImportRules,
  type ImportEdge,
} from "./import-rules.ts";

const DOC = `
# Architecture
<!-- import-rules:start -->
| Folder | May import |
| --- | --- |
| \`src/*.ts\` | nothing |
| \`resources/\` | \`src/*.ts\` |
| \`plan/\` | \`resources/\`, \`src/*.ts\` |
| \`graph/\` | \`resources/\`, \`src/*.ts\` |
<!-- import-rules:end -->
<!-- import-exceptions:start -->
- \`src/graph/read.ts\` → \`src/plan/model.ts\`
<!-- import-exceptions:end -->
`;

const rules = parseImportRules(DOC);
const edge = (from: string, to: string): ImportEdge => ({ from, to });

describe("parseImportRules", () => {
  it("reads each folder's row and the known exceptions", () => {
    expect(rules.mayImport.get("plan")).toEqual(new Set(["resources", "src/*.ts"]));
    expect(rules.mayImport.get("src/*.ts")).toEqual(new Set());
    expect(rules.knownExceptions).toEqual(new Set(["src/graph/read.ts => src/plan/model.ts"]));
  });

  it("refuses a document without the rules section", () => {
    expect(() => parseImportRules("# nothing here")).toThrow(/import-rules:start/);
  });
});

describe("importEdges", () => {
  it("counts type-only imports, re-exports, dynamic imports and import() types", () => {
    const text = [
      `import type { A } from "../resources/types.ts";`,
      `export { b } from "./b.ts";`,
      `const c = await import("../graph/client.ts");`,
      `let d: import("../config/model.ts").D;`,
      `import fs from "node:fs";`,
    ].join("\n");
    expect(importEdges("src/plan/planner.ts", text).map((found) => found.to)).toEqual([
      "src/resources/types.ts",
      "src/plan/b.ts",
      "src/graph/client.ts",
      "src/config/model.ts",
    ]);
  });
});

describe("folderOf", () => {
  it("names a top-level file's folder src/*.ts", () => {
    expect(folderOf("src/json.ts")).toBe("src/*.ts");
    expect(folderOf("src/cli/commands/plan.ts")).toBe("cli");
  });
});

describe("checkImports", () => {
  it("passes imports that look down, and imports inside a folder", () => {
    const edges = [
      edge("src/plan/planner.ts", "src/resources/types.ts"),
      edge("src/plan/planner.ts", "src/json.ts"),
      edge("src/plan/planner.ts", "src/plan/model.ts"),
      edge("src/graph/read.ts", "src/plan/model.ts"), // the known exception
    ];
    expect(checkImports(edges, rules)).toEqual([]);
  });

  it("fails on an import the rules do not allow, naming both files and the rule", () => {
    const problems = checkImports(
      [
        edge("src/graph/read.ts", "src/plan/model.ts"),
        edge("src/resources/kind.ts", "src/plan/model.ts"),
      ],
      rules,
    );
    expect(problems).toEqual([
      "src/resources/kind.ts imports src/plan/model.ts: resources/ may import only src/*.ts (docs/architecture.md)",
    ]);
  });

  it("fails on a folder with no row", () => {
    const problems = checkImports(
      [edge("src/graph/read.ts", "src/plan/model.ts"), edge("src/doctor/run.ts", "src/json.ts")],
      rules,
    );
    expect(problems).toEqual([
      "doctor/ has no row in docs/architecture.md's import rules: add one saying what it may import",
    ]);
  });

  it("fails when a known exception no longer happens, so the list only shrinks", () => {
    expect(checkImports([], rules)).toEqual([
      "known exception src/graph/read.ts => src/plan/model.ts no longer happens: remove it from docs/architecture.md",
    ]);
  });

  it("fails on folders importing each other, and on rules that would allow it", () => {
    const cyclic = parseImportRules(
      DOC.replace("| `resources/` | `src/*.ts` |", "| `resources/` | `plan/`, `src/*.ts` |"),
    );
    const problems = checkImports(
      [
        edge("src/graph/read.ts", "src/plan/model.ts"),
        edge("src/plan/planner.ts", "src/resources/types.ts"),
        edge("src/resources/kind.ts", "src/plan/model.ts"),
      ],
      cyclic,
    );
    expect(problems).toEqual([
      "docs/architecture.md: the rules let plan, resources import each other",
      "folders import each other: plan/ ↔ resources/",
    ]);
  });
});

describe("folderCycles", () => {
  it("finds every folder of a longer cycle once", () => {
    const cycles = folderCycles([
      edge("src/a/x.ts", "src/b/x.ts"),
      edge("src/b/x.ts", "src/c/x.ts"),
      edge("src/c/x.ts", "src/a/x.ts"),
      edge("src/c/x.ts", "src/d/x.ts"),
    ]);
    expect(cycles).toEqual([["a", "b", "c"]]);
  });
});
