#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100
// Runs the bundled build (dist/node/spanlight.mjs, made by `npm start` / scripts/build-server.mjs)
// when it is up to date, else the TypeScript sources through tsx (Node 20 cannot strip types).
// The V8 settings in the first line are explained in src/runtime/node-flags.ts.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/node/spanlight.mjs", import.meta.url);
const { bundleIsFresh } = existsSync(bundle)
  ? await import("../scripts/build-server.mjs")
  : { bundleIsFresh: () => false };
if (bundleIsFresh()) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/runtime/node.ts");
  await main();
}
