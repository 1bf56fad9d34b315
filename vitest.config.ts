import solid from "vite-plugin-solid";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [solid()],
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Two cores here: run files in parallel but keep heavy suites (browser, real CLI) few.
    pool: "forks",
    // vite-plugin-solid would default every file to jsdom; server tests run in node, UI tests opt into happy-dom.
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
