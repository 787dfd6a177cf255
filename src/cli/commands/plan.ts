import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the plan command lands; replaced by its implementation.
export const command: Command = {
  name: "plan",
  summary: "",
  help: "intune-gitops plan: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("plan is not implemented yet"));
  },
};
