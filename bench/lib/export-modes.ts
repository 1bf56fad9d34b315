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

/**
 * Which build of `spanlight serve` the HTTP runs use: `bundle`, as `npm start` runs it on Node (the
 * default), or `binary`, the compiled single executable (Bun), with BENCH_SERVER=binary.
 */
export const SERVER_BUILD: "bundle" | "binary" = process.env.BENCH_SERVER === "binary" ? "binary" : "bundle";
export const SERVER_BUILD_LABEL = SERVER_BUILD === "binary" ? "the compiled binary" : "the Node bundle";

/** The command that builds what SERVER_BUILD runs, from the sources. */
export function buildServerArgs(): string[] {
  return SERVER_BUILD === "binary" ? ["scripts/compile.mjs"] : ["scripts/build-server.mjs", "--force"];
}

/** `spanlight serve` (SERVER_BUILD), exporting to `endpoint` (OTLP/protobuf) in `mode`. */
export async function startSpanlightIn(mode: ExportMode, endpoint: string) {
  const port = await freePort();
  const serve = ["serve", "--port", String(port)];
  const [cmd, ...args] =
    SERVER_BUILD === "binary"
      ? ["dist/spanlight", ...serve]
      : [process.execPath, ...NODE_SERVER_FLAGS, "dist/node/spanlight.mjs", ...serve];
  const server = await startProcess(cmd!, args, `http://127.0.0.1:${port}/health`, {
    SPANLIGHT_OTEL_ENABLED: mode === "off" ? "false" : "true",
    SPANLIGHT_OTEL_ENDPOINT: endpoint,
    SPANLIGHT_OTEL_PROTOCOL: "http/protobuf",
    SPANLIGHT_OTEL_WORKER: mode === "worker" ? "true" : "false",
  });
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
