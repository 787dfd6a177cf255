import { createInterface } from "node:readline/promises";
import { nowFrom } from "../../clock.ts";
import { applySucceeded, type ApplyEvent, type ApplyResult } from "../../apply/model.ts";
import { withoutObserved } from "../../apply/observed.ts";
import { ExitError } from "../exit-error.ts";
import type { GraphClient } from "../../graph/types.ts";
import type { Plan } from "../../plan/model.ts";
import { redactPlan } from "../../plan/redact-plan.ts";
import {
  applyToTenants,
  checkSavedPlan,
  connectForSavedPlan,
} from "../../operations/apply-operation.ts";
import { startLoadingGraphModules } from "../../operations/connections.ts";
import { planTenants } from "../../operations/plan-operation.ts";
import type { TenantConcurrency } from "../../operations/tenant-concurrency.ts";
import { renderApplyJson } from "../../render/apply-json.ts";
import {
  renderApplyEvent,
  renderApplySummary,
  renderObservedSkips,
} from "../../render/apply-text.ts";
import { configPathPrefix } from "../../render/diagnostics-text.ts";
import { renderPlanText } from "../../render/plan-text.ts";
import { plural } from "../../render/plan-values.ts";
import type { Command, CommandContext } from "../command.ts";
import { loadConfigOrExit } from "../load-config.ts";
import { withPathPrefix } from "../plan-output.ts";
import { RunEventLog } from "../../render/run-events.ts";
import {
  RUN_EXTRAS_HELP,
  RUN_EXTRA_OPTIONS,
  attributionOf,
  wantsEvents,
  writeEventsFile,
} from "../run-extras.ts";
import { readProgressPrinter, retryPrinter } from "../progress.ts";
import { originLine, readSavedPlan } from "../saved-plan.ts";
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
  useColor,
} from "../shared-options.ts";

const FORMATS = ["text", "json"] as const;

/** The events that close an object's story (exactly one per object; see `ApplyEvent`). */
const OBJECT_END_EVENTS: ReadonlySet<ApplyEvent["type"]> = new Set([
  "object-written",
  "object-already-applied",
  "object-failed",
  "object-skipped",
  "object-stale",
]);

const HELP = `Usage: intune-gitops apply [PLANFILE] [options]

Makes the tenants match the configuration with the smallest possible writes: one PATCH per
changed object carrying exactly the changed properties, nothing else.

  apply            plans afresh, shows the plan and asks for confirmation (type 'yes'); without
                   a terminal it refuses unless --auto-approve is given.
  apply PLANFILE   executes a plan saved by 'plan --out', without a prompt: what CI runs after the
                   plan was reviewed. It is refused when it was made by another intune-gitops
                   version or from another configuration (--config must be the same files),
                   when it was edited, or when it has errors.

Before writing, every object is read again: if any changed since the plan was made, nothing at
all is written (plan again). An object that already holds the plan's values, nothing else in it
having moved, was written by an earlier run of the same plan: it is reported as already applied
and not written again, so running 'apply PLANFILE' again finishes a run that failed part-way. Writes are retried on throttling (429, honouring Retry-After) and
transient errors, and kept under Intune's limit of 100 writes per 20 s per app and tenant. After
writing, each tenant's objects are read back to confirm the change took.

Options:
${H.config}
${H.tenant}
${H.shard}
      --auto-approve          Apply without asking (for automation)
      --fail-fast             Stop starting writes after the first failure
${H.format("text (a line per object as it completes) or json (per-object results)")}
${RUN_EXTRAS_HELP}
                              (a saved plan: only applied changes, and no attribution)
${H.noColor}
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                  Show this help

Examples:
  intune-gitops apply --config intune                    # review, then type yes
  intune-gitops plan --config intune --out plan.json     # in the pull request...
  intune-gitops apply plan.json --config intune          # ...and after merge

Ctrl-C or SIGTERM: no new write or retry starts, writes on the wire get 2 s to finish, and the
summary of what was and was not written follows within 5 s. A second signal quits at once (130).
Exit codes: 0 everything applied and verified (or nothing to do), 1 anything failed, was
refused, skipped or did not converge. Running apply again converges.
`;

export const command: Command = {
  name: "apply",
  help: HELP,
  maxPositionals: 1,
  options: {
    ...CONFIG_OPTION,
    ...TENANT_OPTIONS,
    ...OUTPUT_OPTIONS,
    ...CONNECTION_OPTIONS,
    ...RUN_EXTRA_OPTIONS,
    "auto-approve": { type: "boolean" },
    "fail-fast": { type: "boolean" },
  },
  async run({ values, positionals }, context) {
    const format = formatOf(values, FORMATS);
    const color = useColor(values, context);
    const configDir = configDirOf(values, context);
    const attribution = attributionOf(values);
    const planFile = positionals[0];
    // A saved plan is checked before anything else: a bad file should not cost a sign-in.
    const savedFile =
      planFile === undefined
        ? undefined
        : await readSavedPlan(planFile, context, "Nothing was written.");
    const saved = savedFile?.plan;
    startLoadingGraphModules();
    const state = await loadConfigOrExit(configDir, context, { color, ...loadOptionsOf(values) });
    const debug = debugSink(values, context);
    const settings = {
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      onRequest: retryPrinter(context),
      ...(debug === undefined ? {} : { debug }),
    };

    // Made only for --events (see wantsEvents).
    const events = wantsEvents(values) ? new RunEventLog(nowFrom(context.env)) : undefined;
    let plan: Plan;
    let clientFor: (tenant: string) => Promise<GraphClient>;
    let concurrency: TenantConcurrency;
    if (saved !== undefined) {
      // --tenant / --shard on a saved plan: apply only that part of it.
      const selection =
        values.tenant === undefined && values.shard === undefined
          ? undefined
          : selectedTenants(
              values,
              state.tenants.map((tenant) => tenant.name),
            );
      plan = checkSavedPlan(saved, state, {
        label: planFile ?? "the plan",
        ...(selection === undefined ? {} : { tenants: selection }),
      });
      ({ clientFor, concurrency } = connectForSavedPlan(state, settings));
    } else {
      const tenants = selectedTenants(
        values,
        state.tenants.map((tenant) => tenant.name),
      );
      const fresh = await planTenants(state, {
        ...settings,
        tenants,
        operation: "write",
        abortSignal: context.abortSignal,
        now: nowFrom(context.env),
        onReadProgress: readProgressPrinter(context, tenants.length),
        ...(attribution === undefined ? {} : { attribution }),
      });
      plan = fresh.plan;
      clientFor = fresh.clientFor;
      concurrency = fresh.concurrency;
      const out = format === "json" ? context.stderr : context.stdout;
      const shown = redactPlan(withPathPrefix(plan, configPathPrefix(configDir, context.cwd)));
      out.write(
        renderPlanText(shown, {
          color,
          ...(fresh.attribution === undefined ? {} : { attribution: fresh.attribution }),
        }),
      );
      events?.addDrift(shown, fresh.attribution);
      events?.addHealth(shown);
      if (plan.problems.length > 0) {
        await writeEventsFile(values, events, context);
        throw new ExitError(
          "the plan has errors (above): nothing was written. Fix them and run apply again.",
        );
      }
    }
    const eventsOut = format === "json" ? context.stderr : context.stdout;
    // For the record (an apply log is an audit trail): which plan this is.
    if (savedFile !== undefined) eventsOut.write(`${originLine(savedFile.origin)}\n`);
    const { plan: writable, observed } = withoutObserved(plan);
    eventsOut.write(renderObservedSkips(observed, { color }));
    plan = writable;
    if (plan.changes.length === 0) {
      await writeEventsFile(values, events, context);
      if (observed.length > 0)
        context.stderr.write("Only observe-only objects differ: nothing to apply.\n");
      else if (saved !== undefined)
        context.stderr.write("The saved plan has no changes: nothing to apply.\n");
      return 0;
    }
    if (saved === undefined && values["auto-approve"] !== true) await confirm(plan, context);

    let objectsDone = 0;
    const result = await applyToTenants(plan, state, {
      clientFor,
      concurrency,
      failFast: values["fail-fast"] === true,
      abortSignal: context.abortSignal,
      onEvent: (event) => {
        const line = renderApplyEvent(event, { color });
        if (line === undefined) return;
        // `[n/N]` on each object's last line, so a long apply shows how far it is.
        const ends = OBJECT_END_EVENTS.has(event.type);
        if (ends) objectsDone++;
        eventsOut.write(`${ends ? `[${objectsDone}/${plan.changes.length}] ` : ""}${line}\n`);
      },
    });
    writeResult(result, format, color, context);
    events?.addApplied(result);
    await writeEventsFile(values, events, context);
    return applySucceeded(result) ? 0 : 1;
  },
};

async function confirm(plan: Plan, context: CommandContext): Promise<void> {
  const tenants = new Set(plan.changes.map((change) => change.tenant)).size;
  const question = `\nApply these changes to ${plural(plan.changes.length, "object")} in ${plural(tenants, "tenant")}? Only 'yes' is accepted: `;
  if (context.stdin.isTTY !== true) {
    // Piped: `echo yes | intune-gitops apply` answers the question; no input at all refuses.
    const answer = await firstLine(context.stdin);
    if (answer === undefined) {
      throw new ExitError(
        "refusing to apply without confirmation: there is no terminal to ask and nothing on stdin. Pass --auto-approve, pipe 'yes' in, or save a plan with 'plan --out FILE' and run 'apply FILE'.",
      );
    }
    context.stderr.write(`${question}${answer.trim()} (from stdin)\n`);
    if (answer.trim() !== "yes") throw new ExitError("apply cancelled: nothing was written.");
    return;
  }
  const prompt = createInterface({ input: context.stdin, output: context.stderr });
  try {
    // Ctrl-C at the prompt cancels: the signal handler owns SIGINT, so readline would not.
    const answer = await prompt.question(question, { signal: context.abortSignal }).catch(() => "");
    if (answer.trim() !== "yes") throw new ExitError("apply cancelled: nothing was written.");
  } finally {
    prompt.close();
  }
}

/** The first line of a stream, or undefined when it ends without one. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

function writeResult(
  result: ApplyResult,
  format: (typeof FORMATS)[number],
  color: boolean,
  context: CommandContext,
): void {
  if (format === "json") context.stdout.write(renderApplyJson(result));
  else context.stdout.write(renderApplySummary(result, { color }));
}
