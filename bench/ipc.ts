/**
 * Request/response over a Node IPC channel (`fork`), both ways: each side can `call` the other
 * and `serve` calls. Messages are plain JSON: `{ id, method, params }` and `{ id, result | error }`.
 */
import type { ChildProcess } from "node:child_process";

interface Call {
  readonly ipc: "call";
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

interface Reply {
  readonly ipc: "reply";
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** The parent's handle on a child, or `process` in the child. */
type Endpoint = ChildProcess | NodeJS.Process;

/** Any message on the channel, before it is known to be one of ours. */
interface Received {
  readonly ipc?: unknown;
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: unknown;
}

export interface Channel {
  call<T>(method: string, params?: unknown): Promise<T>;
  serve(method: string, handler: (params: unknown) => unknown): void;
  /** Stops listening (the channel no longer keeps the process alive). */
  close(): void;
}

export function createChannel(endpoint: Endpoint): Channel {
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  const handlers = new Map<string, (params: unknown) => unknown>();
  const emitter: NodeJS.EventEmitter = endpoint;
  const send = (message: Call | Reply) => {
    if (!endpoint.send) throw new Error("no IPC channel: was this process started with fork()?");
    (endpoint.send as (message: Call | Reply) => boolean)(message);
  };

  const onMessage = (message: unknown) => {
    if (typeof message !== "object" || message === null) return;
    const received = message as Received;
    if (received.ipc === "reply" && typeof received.id === "number") {
      const waiter = pending.get(received.id);
      pending.delete(received.id);
      if (received.error !== undefined)
        waiter?.reject(
          new Error(typeof received.error === "string" ? received.error : "IPC error"),
        );
      else waiter?.resolve(received.result);
      return;
    }
    if (received.ipc !== "call" || typeof received.id !== "number") return;
    const id = received.id;
    const method = String(received.method);
    const handler = handlers.get(method);
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no IPC method ${method}`);
        return handler(received.params);
      })
      .then(
        (result: unknown) => send({ ipc: "reply", id, result }),
        (error: unknown) =>
          send({
            ipc: "reply",
            id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  };
  const onExit = () => {
    for (const waiter of pending.values()) waiter.reject(new Error("the other process exited"));
    pending.clear();
  };
  emitter.on("message", onMessage);
  emitter.on("disconnect", onExit);
  emitter.on("exit", onExit);

  return {
    call<T>(method: string, params?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        send({ ipc: "call", id, method, params });
      });
    },
    serve(method, handler) {
      handlers.set(method, handler);
    },
    close() {
      emitter.off("message", onMessage);
      emitter.off("disconnect", onExit);
      emitter.off("exit", onExit);
    },
  };
}
