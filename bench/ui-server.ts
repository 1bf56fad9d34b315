/** A Spanlight serving the built dashboard in its own process, for bench/ui.ts. Usage: ui-server.ts <port> */
import { startUiServer } from "../test/ui/browser/harness.ts";

const server = await startUiServer({ server: { port: Number(process.argv[2] ?? 0) } });
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
