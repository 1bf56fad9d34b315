// Entry of the export worker on Deno and Bun (and in the compiled binary): a Web Worker.
import { runExportWorker } from "../../otel/export-worker.ts";
import type { FromWorker, ToWorker } from "../../otel/worker-protocol.ts";

const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
};
runExportWorker({
  post: (message) => scope.postMessage(message),
  onMessage: (handler) => {
    scope.onmessage = (event) => handler(event.data);
  },
});
