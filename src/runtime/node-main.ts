// Entry of the bundled Node build (scripts/build-server.mjs → dist/node/spanlight.mjs).
import { main } from "./node.ts";

await main();
