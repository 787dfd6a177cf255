import type { Command } from "./command.ts";

/**
 * The command list, in `--help` order. Each entry loads its module on demand, so a command only
 * pays for the modules it uses.
 */
export const COMMANDS: readonly {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}[] = [
  {
    name: "validate",
    summary: "Check the configuration offline (no network, no credentials).",
    load: async () => (await import("./commands/validate.ts")).command,
  },
  {
    name: "plan",
    summary: "Read the live tenants and show what apply would change.",
    load: async () => (await import("./commands/plan.ts")).command,
  },
  {
    name: "apply",
    summary: "Make the tenants match the configuration (or execute a saved plan).",
    load: async () => (await import("./commands/apply.ts")).command,
  },
  {
    name: "show",
    summary: "Print a saved plan as text, Markdown or JSON (no tenant needed).",
    load: async () => (await import("./commands/show.ts")).command,
  },
  {
    name: "adopt",
    summary: "Write a tenant's live values of drifted properties back into the YAML (for a PR).",
    load: async () => (await import("./commands/adopt.ts")).command,
  },
  {
    name: "invoke",
    summary: "Run a partner lifecycle action (beginOnboarding, disconnect, terminate), confirmed.",
    load: async () => (await import("./commands/invoke.ts")).command,
  },
  {
    name: "export",
    summary: "Write YAML from a live tenant, to start managing what is there.",
    load: async () => (await import("./commands/export.ts")).command,
  },
  {
    name: "doctor",
    summary:
      "Check, read-only, that a real tenant works with intune-gitops, each check with its fix.",
    load: async () => (await import("./commands/doctor.ts")).command,
  },
  {
    name: "drift-report",
    summary: "Build the nightly drift report from every shard's 'plan --format json'.",
    load: async () => (await import("./commands/drift-report.ts")).command,
  },
  {
    name: "report",
    summary: "The fleet view: which tenants deviate, property by property, with which values.",
    load: async () => (await import("./commands/report.ts")).command,
  },
  {
    name: "schema",
    summary: "Print the JSON Schema of the configuration format, for editors.",
    load: async () => (await import("./commands/schema.ts")).command,
  },
  {
    name: "demo",
    summary: "Plan the example configuration against the bundled emulator (no tenant needed).",
    load: async () => (await import("./commands/demo.ts")).command,
  },
  {
    name: "emulator",
    summary: "Start the local Microsoft Graph emulator (for trying the tool and for tests).",
    load: async () => (await import("./commands/emulator.ts")).command,
  },
];
