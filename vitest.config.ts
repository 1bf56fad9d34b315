import solid from "vite-plugin-solid";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [solid()],
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Two cores here: run files in parallel but keep heavy suites (browser, real CLI) few.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
