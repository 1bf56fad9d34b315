import { createWorkerOtelPipeline } from "../../otel/worker-pipeline.ts";
import type { Config } from "../../src/config/config-schema.ts";
import { spawnNodeExportWorker } from "../../src/runtime/node.ts";
import { NODE_SERVER_FLAGS } from "../../src/runtime/node-flags.ts";
import { freePort, startProcess } from "./processes.ts";

/** The three ways the export benchmarks run Spanlight: export off, on the worker, on the main thread. */
export type ExportMode = "off" | "worker" | "main";
export const EXPORT_MODES: ExportMode[] = ["off", "worker", "main"];
export const EXPORT_MODE_LABEL: Record<ExportMode, string> = {
  off: "export off",
  worker: "export on, worker thread (default)",
  main: "export on, main thread (`otel.export.worker: false`)",
};

/** `spanlight serve` as `npm start` runs it (the bundle), exporting to `endpoint` (OTLP/protobuf) in `mode`. */
export async function startSpanlightIn(mode: ExportMode, endpoint: string) {
  const port = await freePort();
  const server = await startProcess(
    process.execPath,
    [...NODE_SERVER_FLAGS, "dist/node/spanlight.mjs", "serve", "--port", String(port)],
    `http://127.0.0.1:${port}/health`,
    {
      SPANLIGHT_OTEL_ENABLED: mode === "off" ? "false" : "true",
      SPANLIGHT_OTEL_ENDPOINT: endpoint,
      SPANLIGHT_OTEL_PROTOCOL: "http/protobuf",
      SPANLIGHT_OTEL_WORKER: mode === "worker" ? "true" : "false",
    },
  );
  return { server, port, base: `http://127.0.0.1:${port}` };
}

/** The export pipeline on a real worker thread, in this process; a worker that cannot start fails the run. */
export function workerPipeline(config: Config["otel"]) {
  return createWorkerOtelPipeline({
    config,
    version: "bench",
    hostName: "bench-host",
    spawn: spawnNodeExportWorker,
    fallback: () => {
      throw new Error("the export worker did not start");
    },
  });
}
