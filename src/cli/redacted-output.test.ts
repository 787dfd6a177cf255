import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";
import { redactedOutput, writePieces } from "./redacted-output.ts";

/**
 * A pipe with a slow reader: each write is taken a tick later (as a pipe whose reader is another
 * process), and the stream's queue (`writableLength`) is what is written and not yet taken.
 */
function slowPipe(highWaterMark?: number): {
  stream: Writable;
  received: () => string;
  mostQueued: () => number;
} {
  let received = "";
  let mostQueued = 0;
  const stream = new Writable({
    ...(highWaterMark === undefined ? {} : { highWaterMark }),
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      setImmediate(() => {
        received += chunk;
        callback();
      });
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string) => {
    const result = write(chunk);
    mostQueued = Math.max(mostQueued, stream.writableLength);
    return result;
  }) as Writable["write"];
  return { stream, received: () => received, mostQueued: () => mostQueued };
}

const pieces = (count: number, size: number): string[] =>
  Array.from(
    { length: count },
    (_, index) => `${String(index).padStart(6, "0")}${"x".repeat(size - 6)}`,
  );

describe("writePieces", () => {
  it("lets the stream's queue empty instead of queueing the whole output", async () => {
    const pipe = slowPipe();
    const all = pieces(200, 32 * 1024);
    await writePieces(pipe.stream, all);
    await new Promise((resolve) => pipe.stream.end(resolve));
    expect(pipe.received() === all.join("")).toBe(true);
    // Never more than the limit (256 KB) and the piece that went over it.
    expect(pipe.mostQueued()).toBeLessThanOrEqual(256 * 1024 + 32 * 1024);
  });

  it("never waits for a 'drain' that will not come: a stream that takes more than the limit", async () => {
    // With a high-water mark above the limit, the stream is not asking for a pause and will emit
    // no 'drain': waiting for one would hang (a top-level await left unsettled: exit 13).
    const pipe = slowPipe(1024 * 1024);
    const all = pieces(20, 32 * 1024);
    await writePieces(pipe.stream, all);
    await new Promise((resolve) => pipe.stream.end(resolve));
    expect(pipe.received() === all.join("")).toBe(true);
  }, 5_000);

  it("waits on the real stream behind the secret filter, and filters every piece", async () => {
    clearRegisteredSecretsForTests();
    registerSecret("a-secret-value");
    try {
      const pipe = slowPipe();
      const output = redactedOutput(() => pipe.stream);
      const all = [...pieces(100, 32 * 1024), "tail a-secret-value\n"];
      await writePieces(output, all);
      await new Promise((resolve) => pipe.stream.end(resolve));
      expect(pipe.received().endsWith("tail [redacted]\n")).toBe(true);
      expect(pipe.received() === `${all.slice(0, -1).join("")}tail [redacted]\n`).toBe(true);
      expect(pipe.mostQueued()).toBeLessThanOrEqual(256 * 1024 + 32 * 1024);
    } finally {
      clearRegisteredSecretsForTests();
    }
  });

  it("does not wait on a stream that is closed", async () => {
    const pipe = slowPipe();
    const all = pieces(20, 32 * 1024);
    setImmediate(() => pipe.stream.destroy());
    await writePieces(pipe.stream, all);
    expect(pipe.stream.destroyed).toBe(true);
  });
});
