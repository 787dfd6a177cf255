import { PARTNER_ACTIONS } from "../../actions/catalog.ts";
import {
  ACTION_GRAPH_VERSION,
  readActionTarget,
  resolveActionTarget,
} from "../../actions/target.ts";
import { UsageError } from "../../errors.ts";
import { ExitError } from "../exit-error.ts";
import { renderActionPreview, renderActionResult } from "../../render/action-text.ts";
import type { Command } from "../command.ts";
import { confirmByTenantName } from "../confirm-tenant.ts";
import { loadConfigOrExit } from "../load-config.ts";
import {
  CONFIG_OPTION,
  CONNECTION_OPTIONS,
  SHARED_OPTIONS_HELP as H,
  configDirOf,
  debugSink,
  useColor,
} from "../shared-options.ts";

const HELP = `Usage: intune-gitops invoke ACTION --tenant NAME --object NAME [options]

Runs one partner lifecycle action on one declared object. Actions are never part of a plan or an
apply: they change a partner's state in ways a PATCH cannot, so they run only when asked for by
name. The object is found as plan finds it (its metadata.match), then a preview shows its state
now and what the action does, and you confirm by typing the tenant's name.

Actions (Graph beta):
  beginOnboarding   RemoteAssistancePartner: start TeamViewer onboarding (status onboarding)
  disconnect        RemoteAssistancePartner: remove the TeamViewer connector (notOnboarded)
  terminate         DeviceManagementPartner: end the partner connection; cannot be undone,
                    so it also needs --allow-destructive

beginOnboarding prints the onboarding URL and when the request expires: a Global or Intune
administrator finishes it by signing in to TeamViewer. It is refused in the usgov and usgovdod
clouds, where TeamViewer is not supported. terminate removes the partner's devices from Intune
after a grace period (90 days per Microsoft's Jamf documentation).

Options:
${H.config}
      --tenant NAME           The tenant (exactly one)
      --object NAME           The object's metadata.name in the configuration
      --auto-approve          Do not ask for the tenant's name (for automation)
      --allow-destructive     Required for an action that cannot be undone (terminate)
${H.noColor}
${H.allowCustomEndpoint}
${H.debug}
  -h, --help                  Show this help

The app needs DeviceManagementServiceConfig.ReadWrite.All (checked before anything is sent).

Examples:
  intune-gitops invoke beginOnboarding --tenant contoso --object teamviewer
  intune-gitops invoke terminate --tenant contoso --object jamf --allow-destructive

Exit codes: 0 the action was performed, 1 it was refused, cancelled or failed.
`;

export const command: Command = {
  name: "invoke",
  help: HELP,
  maxPositionals: 1,
  options: {
    ...CONFIG_OPTION,
    tenant: { type: "string" },
    object: { type: "string" },
    "auto-approve": { type: "boolean" },
    "allow-destructive": { type: "boolean" },
    "no-color": { type: "boolean" },
    ...CONNECTION_OPTIONS,
  },
  async run({ values, positionals }, context) {
    const [actionName] = positionals;
    const tenantName = values.tenant;
    const objectName = values.object;
    if (actionName === undefined)
      throw new UsageError(
        `invoke: name the action (${PARTNER_ACTIONS.map((action) => action.name).join(", ")})`,
      );
    if (typeof tenantName !== "string") throw new UsageError("invoke: --tenant NAME is required");
    if (typeof objectName !== "string") throw new UsageError("invoke: --object NAME is required");
    const color = useColor(values, context);
    const configDir = configDirOf(values, context);
    const state = await loadConfigOrExit(configDir, context, { color });
    const target = resolveActionTarget(state, {
      action: actionName,
      tenant: tenantName,
      object: objectName,
    });
    if (target.action.destructive && values["allow-destructive"] !== true) {
      throw new ExitError(
        `${target.action.name} cannot be undone: it ${target.action.effect}. ${target.action.notes.join(" ")} If that is what you want, run again with --allow-destructive. Nothing was sent.`,
      );
    }

    // Loaded here: the other commands' startup never pays for @azure/identity.
    const { connectTenant } = await import("../../operations/connect.ts");
    const debug = debugSink(values, context);
    const { client } = await connectTenant(target.tenant, {
      env: context.env,
      configDir,
      allowCustomEndpoint: values["allow-custom-endpoint"] === true,
      operation: "action",
      graphVersions: [ACTION_GRAPH_VERSION],
      ...(debug === undefined ? {} : { debug }),
    });
    try {
      const requestOptions = { abortSignal: context.abortSignal };
      const before = await readActionTarget(client, target, requestOptions);
      context.stdout.write(renderActionPreview(target, before, { color }));
      if (values["auto-approve"] !== true) await confirmByTenantName(target, context);
      const { requestId } = await client.invokeAction(
        {
          graphVersion: ACTION_GRAPH_VERSION,
          collectionPath: target.resource.collectionPath,
          id: before.id,
          action: target.action.name,
        },
        requestOptions,
      );
      const after = await readActionTarget(client, target, requestOptions);
      context.stdout.write(
        `\n${renderActionResult(target, before, after, { color, ...(requestId === undefined ? {} : { requestId }) })}`,
      );
      return 0;
    } finally {
      client.close();
    }
  },
};
