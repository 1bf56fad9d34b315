// The export worker from the TypeScript sources (tests, `spanlight` without a bundle): tsx's
// loader registered in this thread, then the real entry.
import { register } from "tsx/esm/api";

register();
await import("./node-worker.ts");
