import type { Config } from "../config/config-schema.ts";
import { readContext } from "../ingest/mod.ts";
import { drainBody } from "../ingest/read-body.ts";
import type { OtlpSignalStats, OtlpStats } from "../schema/mod.ts";
import { ApiError } from "../server/api-error.ts";
import type { Store } from "../store/mod.ts";
import { toLogEvents } from "./log-events.ts";
import { createMetricDeltas } from "./metric-updates.ts";
import { isInvalidSpan, toNativeSpans } from "./native-spans.ts";
import {
  countItems,
  type DecodedRequest,
  type OtlpSignal,
  type ResourceLogs,
  type ResourceSpans,
} from "./otlp-model.ts";
import { errorResponse, type PartialSuccess, successResponse } from "./otlp-response.ts";
import { encodingOf, type OtlpEncoding, readOtlpRequest } from "./read-request.ts";

/** Where accepted OTLP data goes on from here (set up in the composition root; all optional). */
export type OtlpSinks = {
  /** Native spans to the OTLP span exporter (Spanlight as the local collector). Returns spans queued. */
  spans?: (resourceSpans: ResourceSpans[]) => number;
  logs?: (resourceLogs: ResourceLogs[]) => void;
  /** Metrics go on as received (the decompressed body and its content type). */
  metrics?: (body: Uint8Array, contentType: string) => void;
  forwardStats?: () => Pick<OtlpStats, "forwardLogs" | "forwardMetrics">;
};

export type OtlpReceiverOptions = {
  limits: Config["limits"];
  store: Store;
  now: () => number;
  newId?: () => string;
  sinks?: OtlpSinks;
  /**
   * Spanlight marks its own OTLP exports with `x-spanlight-forwarded: <marker>`; a request that
   * carries this server's marker is its own export come back (export endpoint = itself) and is
   * acknowledged without being stored or forwarded again, which would loop forever.
   */
  selfMarker?: string;
};

export const FORWARDED_HEADER = "x-spanlight-forwarded";

/** What an accepted request was, for listeners. */
export type Accepted = { signal: OtlpSignal; encoding: OtlpEncoding; gzip: boolean };

export type OtlpReceiver = ReturnType<typeof createOtlpReceiver>;

function emptySignal(): OtlpSignalStats {
  return { requests: 0, items: 0, rejectedItems: 0, lastAt: null };
}

/**
 * The OTLP/HTTP receiver: decode, apply to the store (log events, native spans, metric deltas),
 * hand on to the forwarders, answer per the spec. Nothing here waits on forwarding.
 */
export function createOtlpReceiver({
  limits,
  store,
  now,
  newId = () => crypto.randomUUID(),
  sinks = {},
  selfMarker,
}: OtlpReceiverOptions) {
  const signals: Record<OtlpSignal, OtlpSignalStats> = {
    traces: emptySignal(),
    logs: emptySignal(),
    metrics: emptySignal(),
  };
  const counts = { rejectedRequests: 0, storedEvents: 0, skippedLogRecords: 0, forwardedSpans: 0, loopedBack: 0 };
  const metricDeltas = createMetricDeltas();
  const listeners = new Set<(accepted: Accepted) => void>();

  function sessionContext(sessionId: string) {
    const s = store.session(sessionId);
    return s ? { agentId: s.agentId, hostName: s.hostName, containerId: s.containerId } : undefined;
  }

  /** Applies a decoded request; returns how many items were rejected and why. */
  function apply(req: Request, request: DecodedRequest, bytes: Uint8Array, receivedAt: string): PartialSuccess | null {
    switch (request.signal) {
      case "traces": {
        const { spans, rejected } = toNativeSpans(request.resourceSpans, limits);
        store.recordNativeSpans(spans);
        if (sinks.spans) {
          const valid = request.resourceSpans.map((rs) => ({
            ...rs,
            scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.filter((s) => !isInvalidSpan(s)) })),
          }));
          counts.forwardedSpans += sinks.spans(valid);
        }
        return rejected > 0
          ? { rejected, message: `${rejected} span(s) with an all-zero or missing trace or span id were rejected` }
          : null;
      }
      case "logs": {
        const { events, skipped } = toLogEvents(request.resourceLogs, {
          limits,
          context: readContext(req.headers),
          receivedAt,
          newId,
          sessionContext,
        });
        counts.skippedLogRecords += skipped;
        for (const { draft, idempotencyKey } of events) {
          if (store.append(draft, idempotencyKey).status === "accepted") counts.storedEvents++;
        }
        sinks.logs?.(request.resourceLogs);
        return null;
      }
      case "metrics":
        store.recordMetrics(metricDeltas.updatesOf(request.resourceMetrics, receivedAt));
        sinks.metrics?.(bytes, req.headers.get("content-type") ?? "application/json");
        return null;
    }
  }

  async function handle(req: Request, signal: OtlpSignal): Promise<Response> {
    const encoding = encodingOf(req.headers.get("content-type"));
    if (selfMarker && req.headers.get(FORWARDED_HEADER) === selfMarker) {
      await drainBody(req);
      counts.loopedBack++;
      return successResponse(signal, encoding ?? "json", null);
    }
    let read: Awaited<ReturnType<typeof readOtlpRequest>>;
    try {
      read = await readOtlpRequest(req, signal, limits);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      counts.rejectedRequests++;
      store.countRejected(1);
      return errorResponse(err, encoding);
    }
    const receivedAt = new Date(now()).toISOString();
    const partial = apply(req, read.request, read.bytes, receivedAt);
    const items = countItems(read.request);
    // Empty exports (SDK keep-alives, doctor's probe) carry nothing to report.
    if (items > 0) {
      const s = signals[signal];
      s.requests++;
      s.items += items - (partial?.rejected ?? 0);
      s.rejectedItems += partial?.rejected ?? 0;
      s.lastAt = receivedAt;
    }
    for (const listener of listeners) {
      try {
        listener({
          signal,
          encoding: read.encoding,
          gzip: (req.headers.get("content-encoding") ?? "").includes("gzip"),
        });
      } catch {
        // A listener's failure must not fail the export.
      }
    }
    return successResponse(signal, read.encoding, partial);
  }

  /**
   * A request the app's guards refused (token, Host, cross-site) before it reached `handle`:
   * answered like any other OTLP failure, so an exporter can read why, and counted.
   */
  function refuse(req: Request, error: ApiError): Response {
    counts.rejectedRequests++;
    return errorResponse(error, encodingOf(req.headers.get("content-type")));
  }

  return {
    handle,
    refuse,
    stats(): OtlpStats {
      const forward = sinks.forwardStats?.() ?? { forwardLogs: null, forwardMetrics: null };
      return {
        traces: { ...signals.traces },
        logs: { ...signals.logs },
        metrics: { ...signals.metrics },
        rejectedRequests: counts.rejectedRequests,
        storedEvents: counts.storedEvents,
        skippedLogRecords: counts.skippedLogRecords,
        forwardedSpans: counts.forwardedSpans,
        ...forward,
      };
    },
    /** Told after each accepted request (tests wait on this instead of sleeping). */
    onAccepted(listener: (accepted: Accepted) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
