// Entry of the export worker on Node (worker_threads); the bundle builds it as dist/node/export-worker.mjs.
import { parentPort } from "node:worker_threads";
import { runExportWorker } from "../../otel/export-worker.ts";
import type { ToWorker } from "../../otel/worker-protocol.ts";

const port = parentPort;
if (port) {
  runExportWorker({
    post: (message) => port.postMessage(message),
    onMessage: (handler) => port.on("message", (message: ToWorker) => handler(message)),
  });
}
