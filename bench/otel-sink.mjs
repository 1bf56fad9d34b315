// A minimal OTLP/HTTP receiver for the export benchmark, in its own process so decoding the
// export does not compete with the exporter for the event loop. Counts spans in OTLP/JSON bodies
// (and bodies of either encoding); GET /count reports the totals.
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 4318);
let spans = 0;
let requests = 0;
let bytes = 0;

createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ spans, requests, bytes }));
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    requests++;
    bytes += body.length;
    if (String(req.headers["content-type"]).includes("json")) {
      const parsed = JSON.parse(body.toString("utf8"));
      for (const rs of parsed.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
}).listen(port, "127.0.0.1");
