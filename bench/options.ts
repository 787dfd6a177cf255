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
  /** Runs of the CLI per (tenants, scenario); the figures are their median. */
  readonly repeat: number;
  /** The peer model runs at tenant counts up to this one (it takes ~0.15 s per tenant). */
  readonly peerMaxTenants: number;
  /** Above this many tenants the peer model runs a sample of this many, scaled (0: all). */
  readonly peerSample: number;
  /** Above this many tenants the floor probe reads a sample of this many, scaled (0: all). */
  readonly floorProbeMax: number;
  readonly validateRuns: number;
  /**
   * Which CLI to run: the published one (`built`: bin/intune-gitops.js and dist/), the sources
   * (`node src/cli/bin.ts`), or any other entry point by path (e.g. a copy of an older build).
   */
  readonly cli: string;
  /** The JSON file to write; undefined: bench/results/bench-<time>.json. */
  readonly out?: string;
  /** The Markdown file whose generated section is rewritten; undefined: none. */
  readonly results?: string;
}

export const HELP = `Usage: npm run bench -- [options]      (or: node bench/bench.ts [options])

Measures the whole CLI (the built dist/, the configuration as YAML files on disk, one process per
run: start-up, loading, sign-in, reads, rendering) against the local Graph emulator (its own
process, with per-request latency), for T tenants x both kinds x a few partners each. Next to
it: the physical floor (the latency critical path with unbounded concurrency plus the CPU the
work needs, measured by a minimal reader) and the peer model (one tenant per process run,
sequential requests, a new TLS connection per request, one GET per collection, as IntuneCD
reads). Then 'validate' start-up against bare node. Prints a table and the targets, writes JSON
and the generated section of bench/RESULTS.md.

Options:
  --tenants LIST              Tenant counts to measure (default 1,100,500,2000)
  --quick                     A fast run: --tenants 1,50,200 --repeat 1 --validate-runs 3,
                              peer model up to 50 tenants with --peer-sample 10, RESULTS.md
                              left alone
  --scenarios LIST            Of ${SCENARIOS.join(",")} (default plan-drifted,apply-drifted)
  --latency-ms N              Emulator delay before each answer (default 25)
  --page-size N               Objects per Graph page (default 100)
  --remote-assistance-partners N   Per tenant (default 2)
  --device-management-partners N   Per tenant (default 2)
  --drift F                   Share of objects drifted (default 0.1)
  --seed N                    Seed of the drift picker (default 1)
  --repeat N                  CLI runs per measurement, median reported (default 3)
  --peer-max-tenants N        Run the peer model up to N tenants (default 500; 0: never)
  --peer-sample N             Above N tenants, run the peer model on N evenly spaced tenants and
                              scale its sums (its runs are independent and sequential); default
                              20, 0: every tenant. The table shows it: (20 x25.0)
  --floor-probe-max N         Above N tenants, the floor probe reads N evenly spaced tenants and
                              its CPU is scaled; default 0: every tenant. Scaling also multiplies
                              the probe's fixed part, so a sampled floor is higher than the real
                              one (flattering the tool). The table shows it: (50+3957, 500 x4.0)
  --validate-runs N           Runs of each start-up command, 0 to skip (default 10)
  --cli built|sources|FILE    Run bin/intune-gitops.js (the built dist/, default), the sources
                              (node src/cli/bin.ts: slower start-up; for checking the bench), or
                              another entry point (a copy of an earlier build, for before/after)
  --out FILE                  JSON output (default bench/results/bench-<time>.json)
  --results FILE              Markdown whose generated section to rewrite (default
                              bench/RESULTS.md; --results none to skip)
  -h, --help                  Show this help
`;

export function parseBenchOptions(
  argv: readonly string[],
  defaultResults: string,
): BenchOptions | "help" {
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
      repeat: { type: "string" },
      "peer-max-tenants": { type: "string" },
      "peer-sample": { type: "string" },
      "floor-probe-max": { type: "string" },
      "validate-runs": { type: "string" },
      cli: { type: "string" },
      out: { type: "string" },
      results: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const quick = values.quick === true;
  const tenants =
    values.tenants === undefined
      ? quick
        ? [1, 50, 200]
        : [1, 100, 500, 2000]
      : values.tenants.split(",").map((text) => integer("--tenants", text, 1));
  const scenarios =
    values.scenarios === undefined
      ? (["plan-drifted", "apply-drifted"] as const)
      : values.scenarios.split(",").map((name) => {
          const known = SCENARIOS.find((scenario) => scenario === name.trim());
          if (!known)
            throw new Error(`--scenarios: unknown ${name} (known: ${SCENARIOS.join(", ")})`);
          return known;
        });
  const drift = values.drift === undefined ? 0.1 : Number(values.drift);
  if (!(drift >= 0 && drift <= 1))
    throw new Error(`--drift must be from 0 to 1, not ${values.drift}`);
  const results = values.results ?? (quick ? "none" : defaultResults);
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
    repeat: optionalInteger("--repeat", values.repeat, 1) ?? (quick ? 1 : 3),
    peerMaxTenants:
      optionalInteger("--peer-max-tenants", values["peer-max-tenants"], 0) ?? (quick ? 50 : 500),
    peerSample: optionalInteger("--peer-sample", values["peer-sample"], 0) ?? (quick ? 10 : 20),
    floorProbeMax: optionalInteger("--floor-probe-max", values["floor-probe-max"], 0) ?? 0,
    validateRuns:
      optionalInteger("--validate-runs", values["validate-runs"], 0) ?? (quick ? 3 : 10),
    cli: cliOf(values.cli),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(results === "none" ? {} : { results }),
  };
}

function cliOf(text: string | undefined): string {
  return text === undefined || text === "" ? "built" : text;
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
