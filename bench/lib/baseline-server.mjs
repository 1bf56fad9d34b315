// The floor both benchmarks compare against: a bare node:http server that parses the JSON body and
// answers 202 (ingest), and fans each POSTed body out to SSE clients (stream latency). No validation,
// no storage: what any Node server must pay at minimum.
import { createServer } from "node:http";

const port = Number(process.argv[2]);
const clients = new Set();

createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/stream")) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(": hello\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
    return;
  }
  if (req.method === "GET") {
    res.writeHead(200).end("ok");
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (clients.size > 0) {
      const frame = `event: event\ndata: ${JSON.stringify(body)}\n\n`;
      for (const c of clients) c.write(frame);
    }
    res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":1}');
  });
}).listen(port, "127.0.0.1");
