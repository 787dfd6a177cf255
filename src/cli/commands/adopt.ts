import { readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { nowFrom } from "../../clock.ts";
import { planAdoption, type Adoption, type SharedObject } from "../../adopt/adoption.ts";
import { editSpecValues } from "../../adopt/yaml-edit.ts";
import { UsageError } from "../../errors.ts";
import { ExitError } from "../exit-error.ts";
import { planTenants } from "../../operations/plan-operation.ts";
import { valueText } from "../../render/plan-values.ts";
import { sanitizeText } from "../../render/style.ts";
import type { Command } from "../command.ts";
import { loadConfigOrExit } from "../load-config.ts";
import { readProgressPrinter, retryPrinter } from "../progress.ts";
import {
  CONFIG_OPTION,
  CONNECTION_OPTIONS,
  SHARED_OPTIONS_HELP as H,
  configDirOf,
  debugSink,
  useColor,
} from "../shared-options.ts";

const HELP = `Usage: intune-gitops adopt --tenant NAME [--object NAME] [--property NAME] [options]

Accepts a change made in the portal: writes the live values of the drifted declared properties
of one tenant's objects back into the YAML files, in place. Only the changed values are
rewritten: comments, key order, quoting and the other documents stay as they are, so the diff a
reviewer sees in the pull request is exactly the adopted values (terraform's refresh-only, as a
pull request). Nothing is sent to Graph.

An object declared for several tenants cannot take one tenant's value (it would change it for
all of them): adopt says so and shows how to declare a tenant-specific object instead.

Options:
${H.config}
      --tenant NAME           The tenant whose live values to adopt (exactly one)
      --object NAME           Only this object (its metadata.name)
      --property NAME         Only this property
${H.noColor}
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                  Show this help

Example:
  intune-gitops adopt --config intune --tenant contoso --object teamviewer
  git diff intune/    # exactly the adopted values; commit and open a pull request

Exit codes: 0 written (or nothing to adopt), 1 error or an object that cannot be adopted.
`;

export const command: Command = {
  name: "adopt",
  help: HELP,
  options: {
    ...CONFIG_OPTION,
    ...CONNECTION_OPTIONS,
    tenant: { type: "string" },
    object: { type: "string" },
    property: { type: "string" },
    "no-color": { type: "boolean" },
  },
  async run({ values }, context) {
    const tenant = values.tenant;
    if (typeof tenant !== "string")
      throw new UsageError("adopt needs --tenant NAME (the tenant whose live values to adopt)");
    const configDir = configDirOf(values, context);
    const state = await loadConfigOrExit(configDir, context, { color: useColor(values, context) });
    if (!state.tenants.some((candidate) => candidate.name === tenant)) {
      throw new ExitError(
        `--tenant ${tenant}: no such tenant in the configuration (declared: ${state.tenants.map((candidate) => candidate.name).join(", ")})`,
      );
    }
    const object = typeof values.object === "string" ? values.object : undefined;
    const property = typeof values.property === "string" ? values.property : undefined;
    if (
      object !== undefined &&
      !state.objects.some((o) => o.tenant === tenant && o.name === object)
    )
      throw new ExitError(`--object ${object}: tenant ${tenant} declares no object of that name`);
    const debug = debugSink(values, context);
    const { plan } = await planTenants(state, {
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      tenants: [tenant],
      operation: "read",
      abortSignal: context.abortSignal,
      now: nowFrom(context.env),
      onReadProgress: readProgressPrinter(context, 1),
      onRequest: retryPrinter(context),
      ...(debug === undefined ? {} : { debug }),
    });
    if (plan.problems.length > 0) {
      throw new ExitError(
        `tenant ${tenant} could not be planned (${plan.problems.map((problem) => sanitizeText(problem.summary)).join("; ")}): nothing was written. Run plan for the details.`,
      );
    }
    const { adoptions, shared } = planAdoption(plan, state, {
      tenant,
      ...(object === undefined ? {} : { object }),
      ...(property === undefined ? {} : { property }),
    });
    const root = (await stat(configDir)).isDirectory() ? configDir : dirname(configDir);
    for (const [file, edits] of groupByFile(adoptions)) {
      const path = join(root, file);
      const text = await readFile(path, "utf8");
      await writeFile(
        path,
        editSpecValues(
          text,
          edits.map((edit) => ({
            documentLine: edit.object.source.line,
            property: edit.property,
            value: edit.live,
          })),
        ),
      );
      for (const edit of edits) {
        context.stdout.write(
          `adopted ${sanitizeText(edit.address)} ${edit.property}: ${valueText(edit.declared, 200)} -> ${valueText(edit.live, 200)} (${relative(context.cwd, path)})\n`,
        );
      }
    }
    for (const object of shared) context.stderr.write(sharedMessage(object));
    if (adoptions.length === 0 && shared.length === 0) {
      context.stdout.write(
        `Nothing to adopt: tenant ${tenant}'s ${object === undefined ? "objects match" : `${object} matches`} the configuration${property === undefined ? "" : ` in ${property}`}.\n`,
      );
    }
    return shared.length > 0 ? 1 : 0;
  },
};

function groupByFile(adoptions: readonly Adoption[]): Map<string, Adoption[]> {
  const byFile = new Map<string, Adoption[]>();
  for (const adoption of adoptions) {
    const file = adoption.object.source.file;
    byFile.set(file, [...(byFile.get(file) ?? []), adoption]);
  }
  return byFile;
}

function sharedMessage(shared: SharedObject): string {
  const { object, tenants } = shared;
  const others = tenants.filter((tenant) => tenant !== object.tenant);
  return [
    `not adopted: ${sanitizeText(shared.address)} (${shared.properties.join(", ")}): the document at ${sanitizeText(object.source.file)}:${object.source.line} declares it for ${tenants.join(", ")}, so ${object.tenant}'s live value would change it for ${others.join(", ")} too.`,
    `  To keep ${object.tenant}'s value, declare a tenant-specific object: copy the document, give the copy its own metadata.name (e.g. ${object.name}-${object.tenant}) and tenants: ${object.tenant}, remove ${object.tenant} from the original's tenants (list ${others.join(", ")} instead of ${tenants.length > 2 ? "the current list" : "both"}), then run adopt again.`,
    "",
  ].join("\n");
}
