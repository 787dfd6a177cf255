/**
 * The import rules of `src/` and the check against them, as pure functions (the script
 * `check-imports.ts` does the reading). The rules live in docs/architecture.md, between
 * `<!-- import-rules:start -->` and `<!-- import-rules:end -->`, as a table with one row per
 * folder: the folder, then the folders it may import. Keeping the table in the document means
 * the picture a reader sees is the one the check enforces; they cannot drift apart.
 *
 * A "folder" is the first path segment under `src/`; files directly in `src/` form the bottom
 * layer, written `src/*.ts`. Imports inside one folder are free.
 */
import path from "node:path";
import ts from "typescript";

/** The name of the bottom layer: the files directly in `src/`. */
export const SHARED = "src/*.ts";

export interface ImportRules {
  /** Folder → the folders it may import (besides itself). */
  readonly mayImport: ReadonlyMap<string, ReadonlySet<string>>;
  /** `from => to` file pairs that break the rules today, each one to be removed. */
  readonly knownExceptions: ReadonlySet<string>;
}

/** One relative import of one source file, both ends relative to the repository root. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

const TABLE_START = "<!-- import-rules:start -->";
const TABLE_END = "<!-- import-rules:end -->";
const EXCEPTIONS_START = "<!-- import-exceptions:start -->";
const EXCEPTIONS_END = "<!-- import-exceptions:end -->";

function between(markdown: string, start: string, end: string): string {
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from);
  if (from < 0 || to < 0) {
    throw new Error(`docs/architecture.md: missing the ${start} … ${end} section`);
  }
  return markdown.slice(from + start.length, to);
}

/** The backticked names in a markdown table cell: "`a/`, `b/`" → ["a", "b"]. */
function namesIn(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => (match[1] ?? "").replace(/\/$/, ""));
}

/** Reads the rules table and the known exceptions out of docs/architecture.md. */
export function parseImportRules(markdown: string): ImportRules {
  const mayImport = new Map<string, Set<string>>();
  for (const line of between(markdown, TABLE_START, TABLE_END).split("\n")) {
    const cells = line.split("|").slice(1, -1);
    const [folderCell, allowedCell] = cells;
    if (folderCell === undefined || allowedCell === undefined) continue;
    const [folder] = namesIn(folderCell);
    if (folder === undefined) continue; // the header and the separator row
    mayImport.set(folder, new Set(namesIn(allowedCell)));
  }
  const knownExceptions = new Set<string>();
  for (const line of between(markdown, EXCEPTIONS_START, EXCEPTIONS_END).split("\n")) {
    const [from, to] = namesIn(line);
    if (from !== undefined && to !== undefined) knownExceptions.add(`${from} => ${to}`);
  }
  return { mayImport, knownExceptions };
}

/** The folder a `src/` file belongs to: its first segment, or `src/*.ts` for top-level files. */
export function folderOf(file: string): string {
  const segments = file.split("/");
  return segments.length > 2 ? (segments[1] ?? SHARED) : SHARED;
}

/**
 * Every module specifier a file names: static imports and re-exports, `import type`, dynamic
 * `import()`, and `import("…")` types. Type-only imports count: a type is a dependency too.
 */
export function moduleSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

/** The relative imports of one `src/` file that land in another `src/` file. */
export function importEdges(file: string, text: string): ImportEdge[] {
  return moduleSpecifiers(file, text)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => ({ from: file, to: path.posix.join(path.posix.dirname(file), specifier) }))
    .filter((edge) => edge.to.startsWith("src/"));
}

/** Folder-level cycles (strongly connected components of two or more folders), each sorted. */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    next.set(a, (next.get(a) ?? new Set()).add(b));
    if (!next.has(b)) next.set(b, new Set());
  }
  return stronglyConnected(next).filter((component) => component.length > 1);
}

/** Tarjan's algorithm; small graphs, so recursion is fine. */
function stronglyConnected(next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      components.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return components;
}

/**
 * Everything wrong with `edges` under `rules`, one line each (empty: all is well):
 * - the rules themselves allow a cycle (the table must describe layers);
 * - a folder has no row (a new folder must say what it may import);
 * - an import a rule does not allow, unless listed as a known exception;
 * - a known exception that no longer happens (remove it: the list only shrinks);
 * - a folder-level cycle in the imports, known exceptions left out.
 */
export function checkImports(edges: readonly ImportEdge[], rules: ImportRules): string[] {
  const problems: string[] = [];
  const ruleEdges = [...rules.mayImport].flatMap(([folder, allowed]) =>
    [...allowed].map((target) => ({ from: `src/${folder}/x`, to: ruleTarget(target) })),
  );
  for (const cycle of folderCycles(ruleEdges)) {
    problems.push(`docs/architecture.md: the rules let ${cycle.join(", ")} import each other`);
  }

  const seenExceptions = new Set<string>();
  const unruled = new Set<string>();
  const checked: ImportEdge[] = [];
  for (const edge of edges) {
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (from === to) continue;
    const key = `${edge.from} => ${edge.to}`;
    if (rules.knownExceptions.has(key)) {
      seenExceptions.add(key);
      continue;
    }
    checked.push(edge);
    const allowed = rules.mayImport.get(from);
    if (allowed === undefined) {
      unruled.add(from);
    } else if (!allowed.has(to)) {
      const may = allowed.size === 0 ? "nothing" : [...allowed].map(display).join(", ");
      problems.push(
        `${edge.from} imports ${edge.to}: ${display(from)} may import only ${may} (docs/architecture.md)`,
      );
    }
  }
  for (const folder of unruled) {
    problems.push(
      `${display(folder)} has no row in docs/architecture.md's import rules: add one saying what it may import`,
    );
  }
  for (const key of rules.knownExceptions) {
    if (!seenExceptions.has(key)) {
      problems.push(
        `known exception ${key} no longer happens: remove it from docs/architecture.md`,
      );
    }
  }
  for (const cycle of folderCycles(checked)) {
    problems.push(`folders import each other: ${cycle.map(display).join(" ↔ ")}`);
  }
  return problems;
}

function ruleTarget(folder: string): string {
  return folder === SHARED ? "src/x.ts" : `src/${folder}/x`;
}

function display(folder: string): string {
  return folder === SHARED ? SHARED : `${folder}/`;
}
