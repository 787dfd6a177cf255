import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the validate command lands; replaced by its implementation.
export const command: Command = {
  name: "validate",
  summary: "",
  help: "intune-gitops validate: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("validate is not implemented yet"));
  },
};
