import { configReferenceMarkdown } from "../../config/reference.ts";
import { configJsonSchema } from "../../config/schema.ts";
import type { Command } from "../command.ts";
import { formatOf } from "../shared-options.ts";

const HELP = `Usage: intune-gitops schema [--format json|markdown]

Print the JSON Schema of the configuration format on stdout (draft-07, generated from the same
zod schemas validate uses, with a description on every field). Editors use it to complete and
check the YAML as you type. With --format markdown, print the same schema as the reference
tables of docs/configuration-reference.md instead.

The package ships a copy at schema/intune-gitops.schema.json. With the YAML extension for
VS Code (or any editor using yaml-language-server), start each configuration file with:

  # yaml-language-server: $schema=<path to>/intune-gitops.schema.json

or map it once in .vscode/settings.json:

  "yaml.schemas": { "./schema/intune-gitops.schema.json": "config/**/*.yaml" }

The schema helps while typing; validate remains the authority (it also checks what a schema
cannot: Graph versions per tenant, unknown tenants, duplicates across files, inline secrets).

Options:
  -f, --format FORMAT   json (default) or markdown
  -h, --help            Show this help

Examples:
  intune-gitops schema > schema/intune-gitops.schema.json
  intune-gitops schema --format markdown > docs/configuration-reference.md

Exit codes: 0 success, 1 usage error.
`;

export const command: Command = {
  name: "schema",
  help: HELP,
  options: { format: { type: "string", short: "f" } },
  run({ values }, context) {
    const format = formatOf(values, ["json", "markdown"] as const);
    context.stdout.write(
      format === "markdown"
        ? configReferenceMarkdown()
        : `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
    );
    return Promise.resolve(0);
  },
};
