/**
 * Reads a file the user named (a plan, a configuration file) without trusting what it is:
 *
 * - Only regular files are read. A FIFO, a socket or a device is refused by its type, before it
 *   is opened for reading: opening a FIFO without a writer blocks a thread of Node's pool, and a
 *   blocked pool thread keeps even `process.exit` from ending the process (no signal would
 *   help); `/dev/zero` or `/dev/urandom` never end.
 * - The file is opened with O_NONBLOCK and its type checked again on the open descriptor, so a
 *   path swapped for a FIFO between the two checks cannot block either.
 * - At most `maxBytes` are read, whatever the file claims its size is (files in /proc say 0): a
 *   larger file is refused, never buffered whole.
 */
import { close, constants, fstat, open, read, stat, type Stats } from "node:fs";
import { promisify } from "node:util";

// The callback API, promisified, rather than `node:fs/promises`: that module loads Node's
// readline and REPL-history modules with it (for `FileHandle.readLines`), about 3 ms of CPU at
// every start-up of the CLI, which reads its files through here (bench/RESULTS.md, change 21).
// `node:util` is loaded by the CLI already.
const statFile = promisify(stat);
const openFile = promisify(open);
const statDescriptor = promisify(fstat);
const readDescriptor = promisify(read);
const closeDescriptor = promisify(close);

/** Why a file was not read. `code` is for callers that word their own message. */
export class FileReadError extends Error {
  override name = "FileReadError";
  readonly code: "not-regular" | "too-large" | "unreadable";
  /** Set exactly for `too-large`: the size, as far as it is known (stated, or read before giving up). */
  readonly size?: number;
  constructor(message: string, code: FileReadError["code"], size?: number) {
    super(message);
    this.code = code;
    if (size !== undefined) this.size = size;
  }
}

export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  let info: Stats;
  try {
    info = await statFile(path);
  } catch (error) {
    throw unreadable(error);
  }
  checkRegular(info, maxBytes);
  let fd: number;
  try {
    fd = await openFile(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    checkRegular(await statDescriptor(fd), maxBytes);
    const chunkSize = Math.min(Math.max(info.size + 1, 64 * 1024), 1024 * 1024);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte more than allowed tells a file that is too large from one exactly at the limit.
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      const { bytesRead } = await readDescriptor(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(maxBytes, total, false);
    }
  } finally {
    await closeDescriptor(fd);
  }
}

function checkRegular(info: Stats, maxBytes: number): void {
  if (!info.isFile()) {
    throw new FileReadError(`it is ${describeType(info)}, not a regular file`, "not-regular");
  }
  if (info.size > maxBytes) throw tooLarge(maxBytes, info.size, true);
}

function describeType(info: Stats): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO (a named pipe, or a pipe such as <(…))";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** `size` is the file's stated size, or (not `stated`) what was read before giving up. */
function tooLarge(maxBytes: number, size: number, stated: boolean): FileReadError {
  const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return new FileReadError(
    `it is larger than ${megabytes(maxBytes)}${stated ? ` (${megabytes(size)})` : ""}; refusing to read it`,
    "too-large",
    size,
  );
}

function unreadable(error: unknown): FileReadError {
  const code = error instanceof Error && "code" in error ? String(error.code) : "I/O error";
  // Opening a socket file fails with ENXIO.
  return new FileReadError(
    code === "ENXIO" ? "it is a socket, not a regular file" : `it cannot be read (${code})`,
    code === "ENXIO" ? "not-regular" : "unreadable",
  );
}
