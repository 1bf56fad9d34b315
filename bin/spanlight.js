#!/usr/bin/env node
// Runs the TypeScript sources on Node through tsx (Node 20 cannot strip types by itself).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/runtime/node.ts");
await main();
