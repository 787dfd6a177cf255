import { ExitError } from "../../errors.ts";
import type { Command } from "../command.ts";

// Placeholder until the emulator command lands; replaced by its implementation.
export const command: Command = {
  name: "emulator",
  summary: "",
  help: "intune-gitops emulator: not implemented yet.",
  options: {},
  run() {
    return Promise.reject(new ExitError("emulator is not implemented yet"));
  },
};
