/**
 * V8 settings the Node server runs with (bin/spanlight.js's shebang and `npm start` spell them
 * out; a test holds them to this list, and the benchmarks start the server with it).
 *
 * - A 4 MB young generation keeps the resident size of a busy server low at a small GC cost.
 * - The old generation may grow to twice what survived the last full collection, instead of up to
 *   four times: kept events are all that survives, so under sustained ingest the heap peaks near
 *   55 MB instead of 110 MB, for a full collection every ~0.6 s that costs well under 1 % of CPU.
 */
export const NODE_SERVER_FLAGS = ["--max-semi-space-size=4", "--heap-growing-percent=100"] as const;
