import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { nowFrom } from "../../clock.ts";
import { ExitError } from "../exit-error.ts";
import type { Plan } from "../../plan/model.ts";
import { serializePlanFile } from "../../plan/plan-file.ts";
import { redactPlan } from "../../plan/redact-plan.ts";
import { planTenants } from "../../operations/plan-operation.ts";
import { configPathPrefix } from "../../render/diagnostics-text.ts";
import { plural } from "../../render/plan-values.ts";
import { PLAN_FORMATS, renderPlan, withPathPrefix } from "../plan-output.ts";
import { RunEventLog } from "../../render/run-events.ts";
import {
  RUN_EXTRAS_HELP,
  RUN_EXTRA_OPTIONS,
  attributionOf,
  wantsEvents,
  writeEventsFile,
} from "../run-extras.ts";
import { writePieces } from "../redacted-output.ts";
import { readProgressPrinter, retryPrinter } from "../progress.ts";
import type { Command, CommandContext, OptionValues } from "../command.ts";
import { startLoadingGraphModules } from "../../operations/connections.ts";
import { configCommitOf } from "../config-commit.ts";
import { loadConfigOrExit } from "../load-config.ts";
import {
  CONFIG_OPTION,
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  SHARED_OPTIONS_HELP as H,
  TENANT_OPTIONS,
  configDirOf,
  loadOptionsOf,
  debugSink,
  formatOf,
  selectedTenants,
  shardOf,
  useColor,
} from "../shared-options.ts";

const HELP = `Usage: intune-gitops plan [options]

Reads every tenant's live partner objects (one GET per tenant, kind and Graph version), compares
them with the configuration and shows what apply would change: only the properties written
under spec, each with its live and desired value. Nothing is written.

Partner health comes from the same GETs, in its own section: a partnerState of unavailable,
terminated, rejected or unresponsive, a configured partner's heartbeat older than 24 h, an
onboarding request (beta) expired or expiring within 72 h (per tenant: spec.health). Health is
never a change: it does not count as drift and leaves the exit code alone.

Who changed it: for tenants with changes only, Intune's audit log names the latest change of each
drifted property (a person's user principal name and the app they used, or an application; when;
the logged old and new value; the partner tenant of a delegated admin). Changes made by
intune-gitops are named as such. Optional permission DeviceManagementApps.Read.All: without it
the plan says so once and is otherwise the same.

Options:
${H.config}
${H.tenant}
${H.shard}
  -o, --out FILE              Save the plan for 'intune-gitops apply FILE' (versioned JSON, no secrets)
${H.format("text, markdown (PR comments, job summaries) or json (machines)")}
${RUN_EXTRAS_HELP}
      --detailed-exitcode     Exit 2 when there are changes (0 none, 1 error): for drift jobs
${H.noColor}
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                  Show this help

Examples:
  intune-gitops plan --config intune
  intune-gitops plan --config intune --out plan.json --format markdown > plan.md
  intune-gitops plan --config intune --detailed-exitcode --shard 2/4     # nightly drift, job 2 of 4

Exit codes: 0 success, 1 error (a tenant or object could not be planned: the others are still
shown), 2 changes present (only with --detailed-exitcode).
`;

export const command: Command = {
  name: "plan",
  help: HELP,
  options: {
    ...CONFIG_OPTION,
    ...TENANT_OPTIONS,
    ...OUTPUT_OPTIONS,
    ...CONNECTION_OPTIONS,
    ...RUN_EXTRA_OPTIONS,
    out: { type: "string", short: "o" },
    "detailed-exitcode": { type: "boolean" },
  },
  async run({ values }, context) {
    const format = formatOf(values, PLAN_FORMATS);
    const color = useColor(values, context);
    const configDir = configDirOf(values, context);
    const attribution = attributionOf(values);
    startLoadingGraphModules();
    const state = await loadConfigOrExit(configDir, context, { color, ...loadOptionsOf(values) });
    const tenants = selectedTenants(
      values,
      state.tenants.map((tenant) => tenant.name),
    );
    const shard = shardOf(values);
    if (tenants.length === 0 && shard === undefined)
      throw new ExitError("no tenants to plan (check --tenant)");
    if (tenants.length === 0 && shard !== undefined) {
      // A matrix sized for growth has empty jobs on a small estate: success, said once.
      const line = `Shard ${shard.index}/${shard.count} holds no tenant (${plural(state.tenants.length, "tenant")} dealt over ${shard.count} shards): nothing to plan.\n`;
      if (format !== "json") {
        context.stdout.write(line);
        return 0;
      }
      // Machines still get a plan to read (an empty one), so a shard's output is always JSON.
      context.stderr.write(line);
    }

    const debug = debugSink(values, context);
    const now = nowFrom(context.env);
    const run = await planTenants(state, {
      tenants,
      operation: "read",
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      abortSignal: context.abortSignal,
      now,
      onReadProgress: readProgressPrinter(context, tenants.length),
      onRequest: retryPrinter(context),
      ...(attribution === undefined ? {} : { attribution }),
      ...(debug === undefined ? {} : { debug }),
    });
    const { plan } = run;

    const shown = redactPlan(withPathPrefix(plan, configPathPrefix(configDir, context.cwd)));
    const extras = {
      ...(shard === undefined ? {} : { shard }),
      ...(run.attribution === undefined ? {} : { attribution: run.attribution }),
    };
    if (format === "json") {
      // In pieces: at fleet scale the JSON is megabytes, and whole it set the run's peak memory.
      const { planJsonPieces } = await import("../../render/plan-json.ts");
      await writePieces(context.stdout, planJsonPieces(shown, extras));
    } else {
      context.stdout.write(await renderPlan(shown, format, color, extras));
    }
    if (wantsEvents(values)) {
      const events = new RunEventLog(now);
      events.addDrift(shown, run.attribution);
      events.addHealth(shown);
      await writeEventsFile(values, events, context);
    }
    if (typeof values.out === "string")
      await savePlan(
        plan,
        configDir,
        values.out,
        shellWord(typeof values.config === "string" ? values.config : "."),
        context,
      );
    return exitCodeOf(plan, values);
  },
};

async function savePlan(
  plan: Plan,
  configDir: string,
  out: string,
  configArgument: string,
  context: CommandContext,
): Promise<void> {
  const path = resolve(context.cwd, out);
  const commit = await configCommitOf(configDir, context.env);
  const origin = {
    createdAt: nowFrom(context.env).toISOString(),
    configCommit: commit?.commit ?? null,
    configModified: commit?.modified ?? false,
  };
  try {
    await writeFile(path, serializePlanFile(plan, origin), { mode: 0o644 });
  } catch (error) {
    throw new ExitError(`cannot write the plan to ${out}: ${(error as Error).message}`);
  }
  context.stderr.write(
    plan.changes.length > 0
      ? `Saved the plan to ${out}: apply exactly these changes with 'intune-gitops apply ${out} --config ${configArgument}'.\n`
      : `Saved the plan to ${out} (no changes${plan.problems.length > 0 ? `, ${plan.problems.length} error${plan.problems.length === 1 ? "" : "s"}` : ""}).\n`,
  );
}

function exitCodeOf(plan: Plan, values: OptionValues): number {
  if (plan.problems.length > 0) return 1;
  if (values["detailed-exitcode"] === true && plan.changes.length > 0) return 2;
  return 0;
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
function shellWord(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
