import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loader.ts";
import type { LiveSnapshot } from "../../src/plan/model.ts";
import { createPlan } from "../../src/plan/planner.ts";
import { renderPlanJson } from "../../src/render/plan-json.ts";
import { renderPlanMarkdown } from "../../src/render/plan-markdown.ts";
import { renderPlanText } from "../../src/render/plan-text.ts";

/**
 * Plan goldens (`test/fixtures/plans/<case>/`): a configuration folder (`config/`), the live state
 * Graph returned (`live.json`, a `LiveSnapshot`), and the exact plan in text, Markdown and JSON
 * (`plan.txt`, `plan.md`, `plan.json`). A change to the planner or a renderer that moves a single
 * character shows up here. After an intended change, regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/plan/golden.test.ts` and review the diff.
 */

const PLANS = fileURLToPath(new URL("../fixtures/plans/", import.meta.url));
const cases = readdirSync(PLANS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("plan goldens", () => {
  it.each(cases)("%s", async (name) => {
    const folder = join(PLANS, name);
    const config = await loadConfig(join(folder, "config"));
    expect(config.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const live = JSON.parse(readFileSync(join(folder, "live.json"), "utf8")) as LiveSnapshot;
    const plan = createPlan({ desired: config.state!, live, toolVersion: "0.0.0-golden" });
    const rendered = {
      "plan.txt": renderPlanText(plan, { color: false }),
      "plan.md": renderPlanMarkdown(plan),
      // The digest depends on the absolute paths of the files: not part of the golden.
      "plan.json": renderPlanJson({ ...plan, configDigest: "(digest)" }),
    };
    for (const [file, text] of Object.entries(rendered)) {
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(join(folder, file), text);
      expect(text, `${name}/${file}`).toBe(readFileSync(join(folder, file), "utf8"));
    }
  });
});
