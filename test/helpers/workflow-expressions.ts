/**
 * Just enough of GitHub Actions' expression language (`${{ ... }}` and `if:`) to run workflow
 * and composite-action steps in tests: context paths (`steps.plan.outputs.exit-code`,
 * `inputs.config`, `matrix.shard`), string and number literals, `==`, `!=`, `!`, `&&`, `||`,
 * parentheses and the status functions. Anything else throws, so a workflow that starts using
 * more is noticed rather than mis-run.
 */
export type Context = Record<string, unknown>;

export interface Status {
  /** Whether an earlier step failed (for `success()`, `failure()`, `always()`). */
  readonly failed: boolean;
}

type Token =
  | { kind: "op"; text: string }
  | { kind: "literal"; value: unknown }
  | { kind: "path"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(==|!=|&&|\|\||!|\(|\))|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)\b|(true|false|null)\b|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*(?:\(\))?))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw new Error(`unsupported expression near: ${text.slice(index)}`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: "op", text: match[1] });
    else if (match[2] !== undefined)
      tokens.push({ kind: "literal", value: match[2].replaceAll("''", "'") });
    else if (match[3] !== undefined) tokens.push({ kind: "literal", value: Number(match[3]) });
    else if (match[4] !== undefined)
      tokens.push({ kind: "literal", value: match[4] === "null" ? null : match[4] === "true" });
    else tokens.push({ kind: "path", text: match[5]! });
  }
  return tokens;
}

function lookup(path: string, context: Context, status: Status): unknown {
  switch (path) {
    case "always()":
      return true;
    case "success()":
      return !status.failed;
    case "failure()":
      return status.failed;
    case "cancelled()":
      return false;
  }
  if (path.endsWith("()")) throw new Error(`unsupported function ${path}`);
  let value: unknown = context;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined && !(path.split(".")[0]! in context)) {
    throw new Error(`unknown context in expression: ${path}`);
  }
  return value;
}

/** GitHub's loose equality: strings compare case-insensitively, numbers as numbers. */
function equal(a: unknown, b: unknown): boolean {
  const plain = (v: unknown) => (v === undefined ? "" : v);
  const [x, y] = [plain(a), plain(b)];
  if (typeof x === "string" && typeof y === "string") return x.toLowerCase() === y.toLowerCase();
  if (typeof x === "number" || typeof y === "number") return Number(x) === Number(y);
  return x === y;
}

function truthy(value: unknown): boolean {
  return !(value === undefined || value === null || value === false || value === "" || value === 0);
}

export function evaluate(
  expression: string,
  context: Context,
  status: Status = { failed: false },
): unknown {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (op: string) => {
    const token = peek();
    if (token?.kind === "op" && token.text === op) {
      position++;
      return true;
    }
    return false;
  };
  const primary = (): unknown => {
    if (take("!")) return !truthy(primary());
    if (take("(")) {
      const value = or();
      if (!take(")")) throw new Error(`missing ) in ${expression}`);
      return value;
    }
    const token = tokens[position++];
    if (token === undefined || token.kind === "op")
      throw new Error(`unexpected end or operator in ${expression}`);
    return token.kind === "literal" ? token.value : lookup(token.text, context, status);
  };
  const comparison = (): unknown => {
    let left = primary();
    for (;;) {
      if (take("==")) left = equal(left, primary());
      else if (take("!=")) left = !equal(left, primary());
      else return left;
    }
  };
  const and = (): unknown => {
    let left = comparison();
    while (take("&&")) {
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (take("||")) {
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const value = or();
  if (position !== tokens.length) throw new Error(`unsupported expression: ${expression}`);
  return value;
}

/** Replaces every `${{ ... }}` in a string (a `run:` script, a `with:` or `env:` value). */
export function interpolate(text: string, context: Context, status?: Status): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_whole, expression: string) => {
    const value = evaluate(expression, context, status);
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw new Error(`\${{${expression}}} is not a text value`);
  });
}

/** A step's `if:` (absent: `success()`); GitHub lets it leave out the `${{ }}`. */
export function shouldRun(
  condition: string | undefined,
  context: Context,
  status: Status,
): boolean {
  if (condition === undefined) return !status.failed;
  const expression = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const usesStatus = /\b(always|success|failure|cancelled)\(\)/.test(expression);
  const value = truthy(evaluate(expression, context, status));
  return usesStatus ? value : value && !status.failed;
}
