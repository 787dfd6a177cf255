import { nowFrom } from "../../clock.ts";
import { loadConfig } from "../../config/loader.ts";
import { renderValidationJson } from "../../render/diagnostics-json.ts";
import { configPathPrefix, renderValidationText } from "../../render/diagnostics-text.ts";
import type { Command } from "../command.ts";
import {
  CONFIG_OPTION,
  OUTPUT_OPTIONS,
  SHARED_OPTIONS_HELP,
  configDirOf,
  loadOptionsOf,
  formatOf,
  useColor,
} from "../shared-options.ts";

// Imports stay within config/ and render/: validate must start fast and never load
// @azure/identity or the Graph client.

const HELP = `Usage: intune-gitops validate [--config DIR] [--format text|json]

Check the configuration offline: no network, no credentials, no tenant needed. Every problem is
reported in one run, each with its file:line:column, what is wrong and what to do. Run it as the
first check on every pull request.

It reads every *.yaml and *.yml file under DIR (recursively; node_modules and names starting with
a dot are skipped) and checks:
  - YAML syntax (tabs, indentation, quotes), duplicate keys, encoding (UTF-8), size
  - apiVersion (intune-gitops/v1), kind, and unknown keys (with the nearest known key)
  - value types, enum members, GUIDs, http(s) URLs, DateTimeOffsets (ISO 8601 with an offset)
  - null only where Graph accepts null
  - assignment targets by their @odata.type, and duplicate targets
  - properties the object's Graph version lacks (e.g. a beta-only property on v1.0)
  - deprecated properties (warning), unknown tenants, duplicate tenants and objects
  - secrets written inline (name an environment variable instead: clientSecretEnv: NAME)
Files that are not intune-gitops files (no document with apiVersion, kind, metadata or spec)
are skipped with a warning; so are empty files.

Options:
${SHARED_OPTIONS_HELP.config}
${SHARED_OPTIONS_HELP.format("text or json")}
${SHARED_OPTIONS_HELP.noColor}
  -h, --help                  Show this help

Examples:
  intune-gitops validate --config config
  intune-gitops validate --config config --format json | jq '.errors[] | "\\(.file):\\(.line): \\(.summary)"'

Output (text):
  error: config/teamviewer.yaml:12:21: spec.onboardingStatus: "onbarded" is not one of notOnboarded, onboarding, onboarded
    → did you mean onboarded?

  Configuration invalid: 1 error.

JSON (--format json): { "format_version": 1, "valid", "errors": [...], "warnings": [...],
"summary": {...}, "digest" }, each diagnostic with code, file, line, column, summary, detail.
The diagnostic codes are listed in docs/configuration.md.

Exit codes: 0 valid (warnings allowed), 1 invalid or a usage error.
`;

export const command: Command = {
  name: "validate",
  help: HELP,
  options: { ...CONFIG_OPTION, ...OUTPUT_OPTIONS },
  async run({ values }, context) {
    const format = formatOf(values, ["text", "json"] as const);
    const configDir = configDirOf(values, context);
    const result = await loadConfig(configDir, {
      ...loadOptionsOf(values),
      now: nowFrom(context.env),
    });
    const pathPrefix = configPathPrefix(configDir, context.cwd);
    context.stdout.write(
      format === "json"
        ? renderValidationJson(result, { pathPrefix })
        : renderValidationText(result, { color: useColor(values, context), pathPrefix }),
    );
    return result.state ? 0 : 1;
  },
};
