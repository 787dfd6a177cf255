import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the apply command lands; replaced by its implementation.
export const command: Command = {
  name: "apply",
  summary: "",
  help: "intune-gitops apply: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("apply is not implemented yet"));
  },
};
