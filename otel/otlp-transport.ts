import type { SendResult } from "./export-queue.ts";

export type OtlpPost = {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  contentType: string;
  timeoutMs: number;
  fetch?: typeof fetch;
};

// The OTLP/HTTP spec's retryable statuses; any other 4xx/5xx means the request itself is wrong.
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch hides the socket error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  if (err.name === "TimeoutError") return "timed out";
  return detail ? `${err.message} (${detail})` : err.message;
}

/** One OTLP/HTTP export request with web-standard fetch (the same on Node, Deno and Bun). */
export async function postOtlp(req: OtlpPost): Promise<SendResult> {
  const doFetch = req.fetch ?? fetch;
  try {
    const res = await doFetch(req.url, {
      method: "POST",
      headers: { ...req.headers, "content-type": req.contentType },
      // Serializers return plain ArrayBuffer-backed arrays; the DOM typing wants to be told so.
      body: req.body as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const text = await res.text().catch(() => "");
    if (res.ok) return { ok: true };
    const detail = text.trim().split("\n")[0]?.slice(0, 200) ?? "";
    return {
      ok: false,
      error: `HTTP ${res.status} from ${req.url}${detail ? `: ${detail}` : ""}`,
      retryable: RETRYABLE_STATUS.has(res.status),
      retryAfterMs: retryAfterMs(res),
    };
  } catch (err) {
    return { ok: false, error: `POST ${req.url} failed: ${describe(err)}`, retryable: true };
  }
}
