import type { SendResult } from "./export-queue.ts";
import { firstLine, partialSuccess, readReply } from "./otlp-reply.ts";

/**
 * A 2xx reply's OTLP partial success: items the receiver refused (not to be retried, per the
 * spec). Left to the caller to count: the span exporter counts them as failed spans; the
 * export queue itself ignores this field.
 */
export type PartialSuccess = { rejected: number; detail: string };
export type OtlpPostResult = Exclude<SendResult, { ok: true }> | { ok: true; partial?: PartialSuccess };

export type OtlpPost = {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  contentType: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Ends the request early (shutdown stops waiting); its reason becomes the error. */
  abort?: AbortSignal;
};

// The OTLP/HTTP spec's retryable statuses; any other 4xx/5xx means the request itself is wrong.
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

// Redirects are followed here, not by fetch: fetch turns a POST answered 301/302/303 into a GET
// without a body (the spans vanish, yet the final 200 reads as success), and Node's fetch cannot
// re-send a typed-array body on 307/308 ("detached ArrayBuffer").
const MAX_REDIRECTS = 3;

function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

// Socket errors that mean "this certificate is not trusted here": worth a hint, not only a code.
const TLS_TRUST_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

// Deno's "certificate not trusted": rustls names no code, only this reason.
const DENO_UNTRUSTED = /invalid peer certificate: UnknownIssuer/;

/**
 * Runtime noise out of an error message: Deno repeats the URL (and the local port, new on every
 * request, so lastError never settles) before the reason; Bun appends advice for fetch()'s caller.
 */
function tidy(message: string): string {
  return message
    .replace(/^error sending request .*?\): (client error \(\w+\): )?/, "")
    .replace(/ For more information, pass `verbose: true`.*$/, "");
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === "TimeoutError") return "timed out";
  // Node's fetch hides the socket error (ECONNREFUSED, ENOTFOUND) in `cause`; Deno gives only a
  // message there; Bun has no cause but puts the code on the error itself.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const own = (err as { code?: unknown }).code;
  const code = cause?.code ?? (typeof own === "string" ? own : undefined);
  const message = tidy(err.message);
  const detail = cause?.code ?? (cause?.message ? tidy(cause.message) : undefined);
  if ((code && TLS_TRUST_ERRORS.has(code)) || (detail && DENO_UNTRUSTED.test(detail))) {
    const hint = "the receiver's certificate is not trusted; NODE_EXTRA_CA_CERTS can name its CA";
    return detail ? `${message} (${detail}: ${hint})` : `${message} (${code}: ${hint})`;
  }
  return detail ? `${message} (${detail})` : message;
}

// Control characters other than tab, which a field value may not hold (RFC 9110, section 5.5).
const CONTROL_CHARS = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * Headers fetch would refuse (a line break, a character past Latin-1 such as "…", a space in a
 * name): named without their value, which is usually a credential. Null when all are valid.
 */
export function invalidHeaders(headers: Record<string, string>): string | null {
  const bad: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    // Headers lets control characters other than NUL, CR and LF through, yet the runtimes differ
    // on sending them: Node and Deno fail the request (retried as if the network were down), Bun
    // sends them as they are.
    let valid = !CONTROL_CHARS.test(value);
    try {
      new Headers([[name, value]]);
    } catch {
      valid = false;
    }
    if (!valid) bad.push(name);
  }
  if (bad.length === 0) return null;
  return `otel.export.headers: ${bad.map((n) => JSON.stringify(n)).join(", ")} ${bad.length === 1 ? "is not a valid HTTP header" : "are not valid HTTP headers"} (names are letters, digits and -; values printable text without line breaks)`;
}

/** `localhost:4318` parses as a URL with the scheme "localhost:"; fetch would only say "unknown scheme". */
export function invalidEndpoint(url: string): string | null {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return `otel.export.endpoint ${shownUrl(url)} is not a URL`;
  }
  return protocol === "http:" || protocol === "https:"
    ? null
    : `otel.export.endpoint ${shownUrl(url)} is not an http:// or https:// URL`;
}

/** One OTLP/HTTP export request with web-standard fetch (the same on Node, Deno and Bun). */
export async function postOtlp(req: OtlpPost): Promise<OtlpPostResult> {
  const doFetch = req.fetch ?? fetch;
  // Mistakes in the settings fail every request the same way: said plainly, and not retried.
  const bad = invalidHeaders(req.headers) ?? invalidEndpoint(req.url);
  if (bad) return { ok: false, error: bad, retryable: false };
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.abort ? AbortSignal.any([timeout, req.abort]) : timeout;
  let url = req.url;
  try {
    for (let hop = 0; ; hop++) {
      const res = await doFetch(url, {
        method: "POST",
        headers: { ...req.headers, "content-type": req.contentType },
        // Serializers return plain ArrayBuffer-backed arrays; the DOM typing wants to be told so.
        body: req.body as Uint8Array<ArrayBuffer>,
        signal,
        redirect: "manual",
      });
      if (res.status >= 300 && res.status < 400) {
        // A redirect's body says nothing we use; waiting for it would spend the next hop's time.
        void res.body?.cancel().catch(() => {});
        const to = redirectTarget(url, res.headers.get("location"));
        // Only a same-origin 307/308 keeps the POST and its body; the headers (API keys) go nowhere else.
        if (to && (res.status === 307 || res.status === 308) && sameOrigin(url, to) && hop < MAX_REDIRECTS) {
          url = to;
          continue;
        }
        return {
          ok: false,
          error: `HTTP ${res.status} from ${shownUrl(url)}: redirected to ${to ? shownUrl(to) : "nowhere"}; set otel.export.endpoint to the URL the receiver wants`,
          retryable: false,
        };
      }
      const reply = await readReply(res);
      if (res.ok) {
        const partial = partialSuccess(reply, req.contentType.includes("json"));
        if (!partial) return { ok: true };
        const why = partial.message ? `: ${partial.message.slice(0, 200)}` : "";
        return {
          ok: true,
          partial: {
            rejected: partial.rejected,
            detail: `HTTP ${res.status} from ${shownUrl(url)}: partial success, ${partial.rejected} rejected${why}`,
          },
        };
      }
      const detail = firstLine(reply);
      return {
        ok: false,
        error: `HTTP ${res.status} from ${shownUrl(url)}${detail ? `: ${detail}` : ""}`,
        retryable: RETRYABLE_STATUS.has(res.status),
        retryAfterMs: retryAfterMs(res),
        tooLarge: res.status === 413 || undefined,
      };
    }
  } catch (err) {
    // Some runtimes quote the URL in the error (one with a password, for instance): never in full.
    const why = describe(err).replaceAll(url, shownUrl(url)).replaceAll(hrefOf(url), shownUrl(url));
    return { ok: false, error: `POST ${shownUrl(url)} failed: ${why}`, retryable: true, unreachable: true };
  }
}

/**
 * A URL as errors show it (in /health, which answers without a token, and in the log): a user
 * name, password or query string, where backends take API keys, is hidden.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) [u.username, u.password] = ["***", ""];
    if (u.search) u.search = "***";
    return u.href;
  } catch {
    return url.replace(/[?@].*$/s, "…");
  }
}

function hrefOf(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function redirectTarget(from: string, location: string | null): string | null {
  if (!location) return null;
  try {
    return new URL(location, from).href;
  } catch {
    return null;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
