import { configJsonSchema } from "../../config/schema.ts";
import type { Command } from "../command.ts";

const HELP = `Usage: intune-gitops schema

Print the JSON Schema of the configuration format on stdout (draft-07, generated from the same
zod schemas validate uses, with a description on every field). Editors use it to complete and
check the YAML as you type.

The package ships a copy at schema/intune-gitops.schema.json. With the YAML extension for
VS Code (or any editor using yaml-language-server), start each configuration file with:

  # yaml-language-server: $schema=<path to>/intune-gitops.schema.json

or map it once in .vscode/settings.json:

  "yaml.schemas": { "./schema/intune-gitops.schema.json": "config/**/*.yaml" }

The schema helps while typing; validate remains the authority (it also checks what a schema
cannot: Graph versions per tenant, unknown tenants, duplicates across files, inline secrets).

Options:
  -h, --help   Show this help

Examples:
  intune-gitops schema > intune-gitops.schema.json

Exit codes: 0 success.
`;

export const command: Command = {
  name: "schema",
  summary: "Print the JSON Schema of the configuration format, for editors.",
  help: HELP,
  options: {},
  run(_commandLine, context) {
    context.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return Promise.resolve(0);
  },
};
