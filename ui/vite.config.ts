import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const root = fileURLToPath(new URL(".", import.meta.url));
// The server under `npm start` (or `spanlight serve`); the dev server proxies the API to it.
const target = process.env.SPANLIGHT_URL ?? "http://127.0.0.1:9292";

export default defineConfig({
  root,
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Hashed names under assets/ are what the server caches as immutable.
    assetsDir: "assets",
    reportCompressedSize: true,
  },
  server: {
    proxy: Object.fromEntries(
      ["/api", "/v1", "/hooks", "/telemetry", "/health", "/status"].map((p) => [p, { target, changeOrigin: false }]),
    ),
  },
});
