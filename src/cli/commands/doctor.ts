import { writeFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { overallVerdict } from "../../doctor/model.ts";
import { runDoctor } from "../../operations/doctor-operation.ts";
import { redact } from "../../redact.ts";
import { renderDoctorJson } from "../../render/doctor-json.ts";
import { renderDoctorMarkdown } from "../../render/doctor-markdown.ts";
import { renderDoctorText } from "../../render/doctor-text.ts";
import type { Command } from "../command.ts";
import { loadConfigOrExit } from "../load-config.ts";
import { retryPrinter } from "../progress.ts";
import {
  CONFIG_OPTION,
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  SHARED_OPTIONS_HELP as H,
  configDirOf,
  debugSink,
  formatOf,
  loadOptionsOf,
  selectedTenants,
  useColor,
} from "../shared-options.ts";

const DOCTOR_FORMATS = ["text", "markdown", "json"] as const;

const HELP = `Usage: intune-gitops doctor --tenant NAME [options]

Checks, read-only, that a real tenant works with intune-gitops, and says for each check whether
it passed and what to fix when it did not. It signs in as the tenant's auth settings say and
sends only GET requests: nothing in the tenant changes.

Checks:
  - sign-in, and the token's claims: tid is the configured tenantId, aud is Graph for the
    tenant's cloud, and the permissions: read (plan, export; a failure without it), write
    (apply, invoke; a warning: a plan-only app does without) and DeviceManagementApps.Read.All
    (the audit log, which names who changed a drifted object; a warning);
  - each partner collection readable on v1.0 and on beta (a failure in a version the
    configuration uses for the tenant, a warning in the other);
  - $select honoured: a subset asked for, nothing else returned;
  - a schema watch: properties Graph returns that intune-gitops does not know (Graph adds
    properties over time; assignment targets are looked into too), or no longer returns,
    named with their collection (a warning);
  - the audit log readable (GET /deviceManagement/auditEvents?$top=1; a warning with the
    permission to add when it is not).

Options:
      --tenant NAME           The tenant to check, as declared under --config (required)
${H.config}
      --capture FILE          Also write Graph's answers, redacted (no token, no secret, no
                              person's name or address; ids kept), for a bug report: the
                              emulator replays it (intune-gitops emulator --replay FILE)
${H.format("text, markdown (an issue or PR) or json (machines)")}
${H.noColor}
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                  Show this help

Examples:
  intune-gitops doctor --config intune --tenant contoso
  intune-gitops doctor --config intune --tenant contoso --capture contoso-capture.json --format markdown > doctor.md

Exit codes: 0 every check passed or warned, 1 a check failed (or the run could not start).
`;

export const command: Command = {
  name: "doctor",
  help: HELP,
  options: {
    ...CONFIG_OPTION,
    ...OUTPUT_OPTIONS,
    ...CONNECTION_OPTIONS,
    tenant: { type: "string", multiple: true },
    capture: { type: "string" },
  },
  async run({ values }, context) {
    const format = formatOf(values, DOCTOR_FORMATS);
    const named = Array.isArray(values.tenant) ? values.tenant : [];
    if (named.length !== 1) {
      throw new UsageError(
        "doctor needs --tenant NAME, exactly once (the tenant to check, as declared under --config)",
      );
    }
    const color = useColor(values, context);
    const configDir = configDirOf(values, context);
    const state = await loadConfigOrExit(configDir, context, { color, ...loadOptionsOf(values) });
    const [tenant] = selectedTenants(
      values,
      state.tenants.map((declared) => declared.name),
    );
    if (tenant === undefined) throw new UsageError("doctor needs --tenant NAME");
    const capturePath =
      typeof values.capture === "string" ? resolve(context.cwd, values.capture) : undefined;
    const debug = debugSink(values, context);
    const { report, capture } = await runDoctor(state, {
      tenant,
      capture: capturePath !== undefined,
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      abortSignal: context.abortSignal,
      onRequest: retryPrinter(context),
      ...(debug === undefined ? {} : { debug }),
    });
    const rendered =
      format === "json"
        ? renderDoctorJson(report)
        : format === "markdown"
          ? renderDoctorMarkdown(report)
          : renderDoctorText(report, { color });
    context.stdout.write(rendered);
    if (capturePath !== undefined && capture !== undefined) {
      // The capture's bodies were redacted value by value; this is the net under them.
      await writeFile(capturePath, redact(`${JSON.stringify(capture, null, 2)}\n`));
      context.stderr.write(
        `Wrote the capture ${relative(context.cwd, capturePath) || capturePath} (${capture.answers.length} answers, redacted): replay it with intune-gitops emulator --replay FILE.\n`,
      );
    }
    return overallVerdict(report.checks) === "fail" ? 1 : 0;
  },
};
