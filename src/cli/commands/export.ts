import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the export command lands; replaced by its implementation.
export const command: Command = {
  name: "export",
  summary: "",
  help: "intune-gitops export: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("export is not implemented yet"));
  },
};
