/** The bench's command line. */
import { parseArgs } from "node:util";
import { SCENARIOS, type ScenarioName } from "./jobs.ts";

export interface BenchOptions {
  readonly tenants: readonly number[];
  readonly scenarios: readonly ScenarioName[];
  readonly latencyMs: number;
  readonly pageSize: number;
  readonly remoteAssistancePartners: number;
  readonly deviceManagementPartners: number;
  readonly driftFraction: number;
  readonly randomSeed: number;
  /** Undefined: the code's own default (8). */
  readonly tenantConcurrency?: number;
  readonly baseline: boolean;
  /** Measure plan-in-sync's baseline too, instead of taking plan-drifted's (identical requests). */
  readonly baselineEveryScenario: boolean;
  readonly validateRuns: number;
  /** The JSON file to write; undefined: bench/results/bench-<time>.json. */
  readonly out?: string;
}

export const HELP = `Usage: npm run bench -- [options]      (or: node bench/bench.ts [options])

Measures plan and apply against the local Graph emulator (its own process, with per-request
latency) for T tenants x both kinds x a few partners each, and the per-resource baseline side by
side; then the start-up time of 'validate' against bare node. Prints a table, writes JSON.

Options:
  --tenants LIST              Tenant counts to measure (default 1,10,100,500)
  --quick                     A fast run: --tenants 1,10,50 --validate-runs 5
  --scenarios LIST            Of ${SCENARIOS.join(",")} (default all)
  --latency-ms N              Emulator delay before each answer (default 25)
  --page-size N               Objects per Graph page (default 100)
  --remote-assistance-partners N   Per tenant (default 2)
  --device-management-partners N   Per tenant (default 2)
  --drift F                   Share of objects drifted (default 0.1)
  --seed N                    Seed of the drift picker (default 1)
  --tenant-concurrency N      Tenants in flight (default: the code's default, 8)
  --no-baseline               Skip the per-resource baseline
  --baseline-every-scenario   Also run the baseline for plan-in-sync (by default it takes
                              plan-drifted's run: a per-resource plan sends the same requests)
  --validate-runs N           Runs of each start-up command, 0 to skip (default 10)
  --out FILE                  JSON output (default bench/results/bench-<time>.json)
  -h, --help                  Show this help
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      tenants: { type: "string" },
      quick: { type: "boolean" },
      scenarios: { type: "string" },
      "latency-ms": { type: "string" },
      "page-size": { type: "string" },
      "remote-assistance-partners": { type: "string" },
      "device-management-partners": { type: "string" },
      drift: { type: "string" },
      seed: { type: "string" },
      "tenant-concurrency": { type: "string" },
      "no-baseline": { type: "boolean" },
      "baseline-every-scenario": { type: "boolean" },
      "validate-runs": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const quick = values.quick === true;
  const tenants =
    values.tenants === undefined
      ? quick
        ? [1, 10, 50]
        : [1, 10, 100, 500]
      : values.tenants.split(",").map((text) => integer("--tenants", text, 1));
  const scenarios =
    values.scenarios === undefined
      ? [...SCENARIOS]
      : values.scenarios.split(",").map((name) => {
          const known = SCENARIOS.find((scenario) => scenario === name.trim());
          if (!known)
            throw new Error(`--scenarios: unknown ${name} (known: ${SCENARIOS.join(", ")})`);
          return known;
        });
  const drift = values.drift === undefined ? 0.1 : Number(values.drift);
  if (!(drift >= 0 && drift <= 1))
    throw new Error(`--drift must be from 0 to 1, not ${values.drift}`);
  return {
    tenants,
    scenarios,
    latencyMs: optionalInteger("--latency-ms", values["latency-ms"], 0) ?? 25,
    pageSize: optionalInteger("--page-size", values["page-size"], 1) ?? 100,
    remoteAssistancePartners:
      optionalInteger("--remote-assistance-partners", values["remote-assistance-partners"], 0) ?? 2,
    deviceManagementPartners:
      optionalInteger("--device-management-partners", values["device-management-partners"], 0) ?? 2,
    driftFraction: drift,
    randomSeed: optionalInteger("--seed", values.seed, 0) ?? 1,
    ...(values["tenant-concurrency"] === undefined
      ? {}
      : { tenantConcurrency: integer("--tenant-concurrency", values["tenant-concurrency"], 1) }),
    baseline: values["no-baseline"] !== true,
    baselineEveryScenario: values["baseline-every-scenario"] === true,
    validateRuns:
      optionalInteger("--validate-runs", values["validate-runs"], 0) ?? (quick ? 5 : 10),
    ...(values.out === undefined ? {} : { out: values.out }),
  };
}

function integer(option: string, text: string, min: number): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${option} must be an integer of at least ${min}, not '${text}'`);
  return value;
}

function optionalInteger(
  option: string,
  text: string | undefined,
  min: number,
): number | undefined {
  return text === undefined ? undefined : integer(option, text, min);
}
