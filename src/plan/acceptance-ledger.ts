import { expiresWithin, isAcceptanceActive } from "../config/acceptances.ts";
import type { AcceptedDeviation, DesiredObject } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import { compareStrings } from "../canonical-json.ts";
import type { AcceptedDifference, ExpiringAcceptance, Plan, PlanWarning } from "./model.ts";

/** Acceptances ending within this many days are listed in the plan (and so in the drift issue). */
export const EXPIRING_SOON_DAYS = 14;

/**
 * Decides, for one changed property at a time, whether an acceptance covers the difference, and
 * keeps what the plan reports about acceptances: the differences covered, the ones an expired or
 * outgrown acceptance no longer covers (warnings), and the acceptances ending soon.
 */
export class AcceptanceLedger {
  private readonly now: Date;
  private readonly accepted: AcceptedDifference[] = [];
  private readonly warnings: PlanWarning[] = [];

  constructor(now: Date) {
    this.now = now;
  }

  /** Whether the difference in `property` is accepted (and recorded as such). */
  covers(
    object: DesiredObject,
    address: string,
    property: string,
    difference: {
      readonly live: JsonValue;
      readonly desired: JsonValue;
      /** Whether an accepted value is the live one (compared as Graph's type says). */
      readonly sameAsLive: (accepted: JsonValue) => boolean;
    },
  ): boolean {
    const candidates = (object.acceptances ?? []).filter(
      (acceptance) => acceptance.property === property,
    );
    if (candidates.length === 0) return false;
    const holding = candidates.find(
      (acceptance) =>
        isAcceptanceActive(acceptance, this.now) &&
        (acceptance.value === undefined || difference.sameAsLive(acceptance.value)),
    );
    if (holding !== undefined) {
      this.accepted.push({
        address,
        tenant: object.tenant,
        property,
        live: difference.live,
        desired: difference.desired,
        expires: holding.expires,
        owner: holding.owner,
        reason: holding.reason,
      });
      return true;
    }
    for (const acceptance of candidates)
      this.warnings.push(warningFor(object, address, acceptance, this.now));
    return false;
  }

  /** The plan's acceptance fields for the planned objects (absent when empty). */
  report(
    objects: readonly DesiredObject[],
    addressOf: (object: DesiredObject) => string,
  ): Pick<Plan, "accepted" | "warnings" | "expiringAcceptances"> {
    const expiring: ExpiringAcceptance[] = objects.flatMap((object) =>
      (object.acceptances ?? [])
        .filter((acceptance) => expiresWithin(acceptance, this.now, EXPIRING_SOON_DAYS))
        .map((acceptance) => ({
          address: addressOf(object),
          tenant: object.tenant,
          property: acceptance.property,
          expires: acceptance.expires,
          owner: acceptance.owner,
          reason: acceptance.reason,
        })),
    );
    const byAddress = (a: { address: string }, b: { address: string }) =>
      compareStrings(a.address, b.address);
    return {
      ...(this.accepted.length === 0
        ? {}
        : {
            accepted: [...this.accepted].sort(
              (a, b) => byAddress(a, b) || compareStrings(a.property, b.property),
            ),
          }),
      ...(this.warnings.length === 0 ? {} : { warnings: [...this.warnings].sort(byAddress) }),
      ...(expiring.length === 0
        ? {}
        : {
            expiringAcceptances: expiring.sort(
              (a, b) => compareStrings(a.expires, b.expires) || byAddress(a, b),
            ),
          }),
    };
  }
}

function warningFor(
  object: DesiredObject,
  address: string,
  acceptance: AcceptedDeviation,
  now: Date,
): PlanWarning {
  const who = `owner: ${acceptance.owner}, reason: ${acceptance.reason}`;
  const expired = !isAcceptanceActive(acceptance, now);
  return {
    code: expired ? "acceptance-expired" : "acceptance-value-moved",
    tenant: object.tenant,
    address,
    summary: expired
      ? `the acceptance of ${acceptance.property} expired on ${acceptance.expires} (${who}): the difference is drift again`
      : `the live ${acceptance.property} is no longer the accepted ${JSON.stringify(acceptance.value)} (${who}, until ${acceptance.expires}): the difference is drift again`,
    source: acceptance.source,
  };
}
