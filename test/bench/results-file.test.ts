import { describe, expect, it } from "vitest";
import { renderResultsSection, type ResultsInput } from "../../bench/results-file.ts";

function run(loadAverage: number[], loadAverageAtEnd: number[]): ResultsInput {
  return {
    startedAt: "2026-12-07T14:02:16.081Z",
    durationMs: 206_400,
    machine: {
      cpus: 2,
      cpuModel: "AMD EPYC",
      memoryBytes: 24_105 * 1024 * 1024,
      node: "v24.21.0",
      platform: "linux x64",
      loadAverage,
      loadAverageAtEnd,
      commit: "47c331c",
      worktreeChanged: false,
    },
    options: { latencyMs: 25, repeat: 3, pageSize: 100 },
    rows: [],
    targets: [],
  };
}

const sharedRow = (section: string) =>
  section.split("\n").find((line) => line.startsWith("| shared? |"));

describe("RESULTS.md's generated section: was the machine shared?", () => {
  it("judges by the 1-minute averages: the 5- and 15-minute ones still hold the work before the run", () => {
    // An idle machine right after a test suite: the longer averages are still high.
    const section = renderResultsSection(run([1.76, 3.02, 5.03], [1.15, 2.1, 4.26]));
    expect(sharedRow(section)).toContain("no other significant load");
  });

  it("says yes when the 1-minute average exceeded the CPUs at the start or the end", () => {
    expect(sharedRow(renderResultsSection(run([6.4, 3, 2], [1.2, 2, 2])))).toContain("**yes**");
    expect(sharedRow(renderResultsSection(run([0.4, 0.3, 0.2], [9.1, 4, 2])))).toContain("**yes**");
  });
});
