import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { DecodedRequest, OtlpSignal } from "../../../src/otlp/mod.ts";
import { readOtlpRequest } from "../../../src/otlp/mod.ts";
import type { OtlpSpan } from "../../../src/otlp/otlp-model.ts";

export type CapturedPost = {
  signal: OtlpSignal;
  contentType: string;
  headers: Record<string, string>;
  request: DecodedRequest;
};

const LIMITS = { bodyBytes: 16 * 1024 * 1024, jsonDepth: 64, batchItems: 100_000 };

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  return new Request(`http://capture${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) });
}

/**
 * A stand-in OTLP/HTTP backend (a collector, Jaeger): decodes every export, JSON or protobuf,
 * with Spanlight's own decoders and keeps it. `waitFor` resolves when the captures satisfy a
 * condition, checked on each arrival; its timeout only bounds a failure.
 */
export async function startCaptureReceiver() {
  const posts: CapturedPost[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const signal = (req.url ?? "").replace(/^\/v1\//, "") as OtlpSignal;
    toRequest(req)
      .then((request) => readOtlpRequest(request, signal, LIMITS).then((r) => ({ r, request })))
      .then(({ r, request }) => {
        posts.push({
          signal,
          contentType: request.headers.get("content-type") ?? "",
          headers: Object.fromEntries(request.headers),
          request: r.request,
        });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
        for (const w of [...waiters]) w();
      })
      .catch((err: unknown) => res.writeHead(400).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  function spans(): Array<OtlpSpan & { serviceName: unknown }> {
    return posts.flatMap((p) =>
      p.request.signal === "traces"
        ? p.request.resourceSpans.flatMap((rs) =>
            rs.scopeSpans.flatMap((ss) =>
              ss.spans.map((s) => ({ ...s, serviceName: rs.resource.attributes["service.name"] })),
            ),
          )
        : [],
    );
  }

  return {
    url,
    posts,
    spans,
    waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!cond()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`capture never matched; got ${posts.length} posts: ${posts.map((p) => p.signal).join(",")}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
