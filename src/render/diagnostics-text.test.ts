import { describe, expect, it } from "vitest";
import type { ConfigResult } from "../config/model.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { renderValidationJson } from "./diagnostics-json.ts";
import {
  configPathPrefix,
  renderDiagnosticsText,
  renderValidationText,
  validationSummaryLine,
} from "./diagnostics-text.ts";

const error: Diagnostic = {
  severity: "error",
  code: "enum-member",
  summary: 'spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded',
  detail: "did you mean onboarded?",
  source: { file: "x.yaml", line: 12, column: 5 },
};
const warning: Diagnostic = {
  severity: "warning",
  code: "deprecated-property",
  summary: "spec.whenPartnerDevicesWillBeRemoved is deprecated",
  detail: "use whenPartnerDevicesWillBeRemovedDateTime",
  source: { file: "a.yaml", line: 3, column: 1 },
};
const nowhere: Diagnostic = {
  severity: "error",
  code: "empty-configuration",
  summary: "the configuration has no documents",
};

const state = (
  tenants: number,
  objects: number,
  files: number,
): NonNullable<ConfigResult["state"]> => ({
  tenants: Array(tenants).fill({}),
  objects: Array(objects).fill({}),
  files: Array(files).fill("f.yaml"),
  digest: "d".repeat(64),
});

describe("renderDiagnosticsText", () => {
  it("prints errors, then warnings, each with what to do, paths prefixed", () => {
    expect(
      renderDiagnosticsText([warning, error, nowhere], { color: false, pathPrefix: "config/" }),
    ).toBe(
      'error: config/x.yaml:12:5: spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded\n' +
        "  → did you mean onboarded?\n" +
        "error: the configuration has no documents\n" +
        "\n" +
        "warning: config/a.yaml:3:1: spec.whenPartnerDevicesWillBeRemoved is deprecated\n" +
        "  → use whenPartnerDevicesWillBeRemovedDateTime\n",
    );
    expect(renderDiagnosticsText([], { color: false })).toBe("");
  });

  it("colours only when asked", () => {
    expect(renderDiagnosticsText([error], { color: true })).toContain("\u001b[31merror\u001b[39m");
    expect(renderDiagnosticsText([error, warning], { color: false })).not.toContain("\u001b");
  });

  it("shows control characters from the configuration instead of sending them to the terminal", () => {
    const hostile = { ...error, summary: 'spec: unknown key "a\u001b[2Jb"' };
    expect(renderDiagnosticsText([hostile], { color: false })).toContain(
      'unknown key "a\\u001b[2Jb"',
    );
  });
});

describe("validation summary", () => {
  it("counts what is valid, and warnings", () => {
    expect(validationSummaryLine({ state: state(2, 4, 3), diagnostics: [] })).toBe(
      "Configuration valid: 2 tenants, 4 objects (3 files).",
    );
    expect(validationSummaryLine({ state: state(1, 1, 1), diagnostics: [warning] })).toBe(
      "Configuration valid: 1 tenant, 1 object (1 file). 1 warning.",
    );
  });

  it("counts errors and warnings of an invalid configuration", () => {
    expect(validationSummaryLine({ diagnostics: [error, nowhere, warning] })).toBe(
      "Configuration invalid: 2 errors, 1 warning.",
    );
    expect(renderValidationText({ diagnostics: [error] }, { color: false })).toMatch(
      /\n\nConfiguration invalid: 1 error\.\n$/,
    );
  });
});

describe("renderValidationJson", () => {
  it("separates errors from warnings and carries a format version", () => {
    const document = JSON.parse(
      renderValidationJson({ diagnostics: [warning, error, nowhere] }, { pathPrefix: "c/" }),
    );
    expect(document).toEqual({
      format_version: 1,
      valid: false,
      errors: [
        {
          code: "enum-member",
          file: "c/x.yaml",
          line: 12,
          column: 5,
          summary: error.summary,
          detail: error.detail,
        },
        { code: "empty-configuration", summary: nowhere.summary },
      ],
      warnings: [
        {
          code: "deprecated-property",
          file: "c/a.yaml",
          line: 3,
          column: 1,
          summary: warning.summary,
          detail: warning.detail,
        },
      ],
      summary: { errors: 2, warnings: 1, tenants: 0, objects: 0, files: 0 },
      digest: null,
    });
  });

  it("reports the counts and digest of a valid configuration", () => {
    const document = JSON.parse(renderValidationJson({ state: state(2, 4, 3), diagnostics: [] }));
    expect(document).toMatchObject({
      valid: true,
      summary: { tenants: 2, objects: 4, files: 3 },
      digest: "d".repeat(64),
    });
  });
});

describe("configPathPrefix", () => {
  it("makes paths relative to the current folder, absolute outside it", () => {
    expect(configPathPrefix("/repo/config", "/repo")).toBe("config/");
    expect(configPathPrefix("config/tenants.yaml", "/repo")).toBe("config/");
    expect(configPathPrefix("/repo", "/repo")).toBe("");
    expect(configPathPrefix("/elsewhere/config", "/repo")).toBe("/elsewhere/config/");
  });
});
