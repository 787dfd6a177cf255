import type { ActionTarget } from "../actions/target.ts";
import type { LiveObject } from "../live-object.ts";
import { shortId, valueText } from "./plan-values.ts";
import { createStyle, sanitizeText } from "./style.ts";

const MAX_VALUE = 200;

/**
 * The preview `invoke` shows before asking: which object in which tenant, its state now, what
 * the action does and what cannot be taken back. Read like a plan: nothing has been sent yet.
 */
export function renderActionPreview(
  target: ActionTarget,
  live: LiveObject,
  options: { readonly color: boolean },
): string {
  const style = createStyle(options.color);
  const { action, tenant } = target;
  const marker = action.destructive ? style.red("!") : style.yellow("»");
  const lines = [
    `intune-gitops will invoke ${style.bold(action.name)} on ${style.bold(sanitizeText(target.address))}:`,
    "",
    `${marker} ${sanitizeText(target.resource.graphType)}.${sanitizeText(target.object.name)} ${style.dim(`(tenant ${sanitizeText(tenant.name)}, ${tenant.cloud} cloud, id ${shortId(live.id)}, beta)`)}`,
    ...propertyLines(action.shownProperties, live),
    "",
    `  What it does: ${action.effect}.`,
    ...action.notes.map((note) => `  ${action.destructive ? style.red(note) : note}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** After the action: the shown properties before → after, and what a person must do next. */
export function renderActionResult(
  target: ActionTarget,
  before: LiveObject,
  after: LiveObject,
  details: { readonly requestId?: string; readonly color: boolean },
): string {
  const style = createStyle(details.color);
  const { action } = target;
  const lines = [
    style.green(
      `${action.name} done on ${sanitizeText(target.address)} (Graph answered 204${details.requestId === undefined ? "" : `, request-id ${sanitizeText(details.requestId)}`}).`,
    ),
  ];
  for (const property of action.shownProperties) {
    const was = valueText(before[property], MAX_VALUE);
    const now = valueText(after[property], MAX_VALUE);
    lines.push(
      was === now ? `  ${property} = ${now}` : `  ${property}: ${was} -> ${style.bold(now)}`,
    );
  }
  if (action.name === "beginOnboarding") lines.push("", ...onboardingLines(after));
  return `${lines.join("\n")}\n`;
}

/** TeamViewer onboarding is finished by a person: where, and by when. */
function onboardingLines(after: LiveObject): string[] {
  const url = after["onboardingUrl"];
  const expiry = after["onboardingRequestExpiryDateTime"];
  return [
    "Next: a Global or Intune administrator signs in to TeamViewer to finish the onboarding.",
    `  Onboarding URL: ${typeof url === "string" && url !== "" ? sanitizeText(url) : "(Graph returned none: open Tenant administration > Connectors and tokens > TeamViewer connector in the Intune admin center)"}`,
    `  Expires:        ${typeof expiry === "string" ? sanitizeText(expiry) : "(Graph returned no expiry)"}`,
  ];
}

function propertyLines(properties: readonly string[], live: LiveObject): string[] {
  return properties.map((property) => `    ${property} = ${valueText(live[property], MAX_VALUE)}`);
}
