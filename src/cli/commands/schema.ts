import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the schema command lands; replaced by its implementation.
export const command: Command = {
  name: "schema",
  summary: "",
  help: "intune-gitops schema: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("schema is not implemented yet"));
  },
};
