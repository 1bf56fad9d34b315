import type { WorkerPort } from "../../otel/worker-protocol.ts";

type WebWorker = {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(
    type: string,
    listener: (event: { data?: unknown; message?: string; preventDefault?(): void }) => void,
  ): void;
  terminate(): void;
};

/**
 * The export worker as a Web Worker (Deno, Bun and the compiled binary). `url` is the worker
 * entry, src/runtime/web-worker.ts, resolved by the runtime entry that spawns it.
 */
export function spawnWebWorker(url: URL): WorkerPort {
  const Worker = (globalThis as unknown as { Worker: new (url: string, opts: { type: "module" }) => WebWorker }).Worker;
  const worker = new Worker(url.href, { type: "module" });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (handler) => worker.addEventListener("message", (event) => handler(event.data as never)),
    onError: (handler) => {
      worker.addEventListener("error", (event) => {
        // Handled here: an unhandled worker error would end the whole process (Deno).
        event.preventDefault?.();
        handler(event.message ?? "error");
      });
      worker.addEventListener("messageerror", () => handler("a message could not be read"));
    },
    terminate: () => worker.terminate(),
  };
}
