import { createInterface } from "node:readline/promises";
import type { ActionTarget } from "../actions/target.ts";
import { ExitError } from "./exit-error.ts";
import { sanitizeText } from "../render/style.ts";
import type { CommandContext } from "./command.ts";

/**
 * Asks for the tenant's name, not `yes`: the person confirming must know where the action will
 * happen. Without a terminal nobody can be asked, so the action is refused.
 */
export async function confirmByTenantName(
  target: ActionTarget,
  context: Pick<CommandContext, "stdin" | "stderr">,
): Promise<void> {
  const tenant = target.tenant.name;
  const action = target.action.name;
  if (context.stdin.isTTY !== true) {
    throw new ExitError(
      `refusing to ${action} without confirmation: there is no terminal to ask. Run it in a terminal and type the tenant's name, or pass --auto-approve. Nothing was sent.`,
    );
  }
  const prompt = createInterface({ input: context.stdin, output: context.stderr });
  try {
    const answer = (
      await prompt.question(`\nType the tenant's name (${tenant}) to ${action} ${target.address}: `)
    ).trim();
    if (answer !== tenant) {
      throw new ExitError(
        `${action} cancelled: ${JSON.stringify(sanitizeText(answer))} is not ${tenant}. Nothing was sent.`,
      );
    }
  } finally {
    prompt.close();
  }
}
