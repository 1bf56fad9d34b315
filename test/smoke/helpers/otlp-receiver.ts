import { createServer } from "node:http";

export type ReceivedSpan = {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  serviceName: unknown;
};

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };

function toValue(v: AnyValue): unknown {
  return v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue ?? null;
}

function toRecord(attrs: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(attrs.map((a) => [a.key, toValue(a.value)]));
}

/**
 * A local OTLP/HTTP collector for traces (JSON encoding): records every span it receives and
 * answers 200 like a real collector. `waitFor` resolves as soon as the spans satisfy a condition.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const posts: Array<{ path: string; contentType: string }> = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      posts.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "" });
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        for (const rs of body.resourceSpans ?? []) {
          const resource = toRecord(rs.resource?.attributes);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                name: s.name,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId || undefined,
                attributes: toRecord(s.attributes),
                serviceName: resource["service.name"],
              });
            }
          }
        }
      } catch {
        // Not JSON: recorded in `posts` only, so a test can say what arrived instead.
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    posts,
    /** Resolves once `cond(spans)` holds; `timeoutMs` only bounds a failure, it never paces the test. */
    waitFor(cond: (spans: ReceivedSpan[]) => boolean, timeoutMs = 15_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `spans never matched; received ${JSON.stringify(spans.map((s) => s.name))} in ${posts.length} posts`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (!cond(spans)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
