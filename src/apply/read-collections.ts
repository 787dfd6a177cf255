import type { LiveObject } from "../live-object.ts";
import type { ApplyRun } from "./apply-run.ts";
import type { ChangeGroup } from "./change-groups.ts";

/**
 * Reads each group's collection for the check and the verify phase. A tenant's collections are
 * read at the same time: one round trip, not one per kind. Each group ends in exactly one of
 * `read` (with the live objects) or `failed` (with what the read threw).
 */
export async function readCollections(
  run: ApplyRun,
  tenantGroups: readonly ChangeGroup[],
  abortSignal: AbortSignal,
  handle: {
    /** Called first: true skips the group without reading it. */
    readonly before?: (group: ChangeGroup) => boolean;
    readonly read: (group: ChangeGroup, live: readonly LiveObject[]) => void;
    readonly failed: (group: ChangeGroup, error: unknown) => void;
  },
): Promise<void> {
  await Promise.all(
    tenantGroups.map(async (group) => {
      if (handle.before?.(group) === true) return;
      let live: LiveObject[];
      try {
        const client = await run.clientFor(group.tenant);
        live = await client.listCollection(
          {
            graphVersion: group.graphVersion,
            collectionPath: group.collectionPath,
            select: group.select,
          },
          { abortSignal },
        );
      } catch (error) {
        handle.failed(group, error);
        return;
      }
      handle.read(group, live);
    }),
  );
}
