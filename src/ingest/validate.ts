import type { z } from "zod";
import { type EventDraft, hookPayloadSchema, telemetryEventSchema } from "../schema/mod.ts";
import { ApiError, formatPath } from "../server/api-error.ts";
import type { Received } from "./normalize-hook.ts";
import { toHookEvent } from "./normalize-hook.ts";
import { toTelemetryEvent } from "./normalize-telemetry.ts";
import { sanitizePayload, type TrimLimits } from "./trim.ts";

export type DraftResult = { ok: true; draft: EventDraft } | { ok: false; error: ApiError };

export type IngestKind = "hook" | "telemetry";

function issuesOf(error: z.ZodError, prefix: string) {
  return error.issues.map((i) => ({ path: formatPath(i.path, prefix), message: i.message }));
}

function fail(error: z.ZodError, prefix: string): DraftResult {
  const issues = issuesOf(error, prefix);
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : "Invalid event.";
  return { ok: false, error: new ApiError("validation_failed", message, issues) };
}

/**
 * One raw item (already parsed JSON) → a normalized event draft, or the error naming what is wrong.
 * Validation runs on the raw value; every stored field comes from the redacted, trimmed copy.
 */
export function toDraft(
  kind: IngestKind,
  raw: unknown,
  rx: Received,
  limits: TrimLimits,
  prefix = "",
  sizeHint?: number,
): DraftResult {
  try {
    return draftOf(kind, raw, rx, limits, prefix, sizeHint);
  } catch (err) {
    // Sanitizing enforces limits.jsonDepth as it walks: too deep rejects this item only.
    if (err instanceof ApiError) return { ok: false, error: err };
    throw err;
  }
}

function draftOf(
  kind: IngestKind,
  raw: unknown,
  rx: Received,
  limits: TrimLimits,
  prefix: string,
  sizeHint?: number,
): DraftResult {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return {
      ok: false,
      error: new ApiError(
        "invalid_body",
        `${prefix || "Body"} must be a JSON object, got ${Array.isArray(raw) ? "array" : typeof raw}.`,
      ),
    };
  }
  if (kind === "hook") {
    const parsed = hookPayloadSchema.safeParse(raw);
    if (!parsed.success) return fail(parsed.error, prefix);
    return { ok: true, draft: toHookEvent(parsed.data, sanitizePayload(raw, limits, sizeHint, true), rx) };
  }
  const parsed = telemetryEventSchema.safeParse(raw);
  if (!parsed.success) return fail(parsed.error, prefix);
  return {
    ok: true,
    draft: toTelemetryEvent(parsed.data, sanitizePayload(raw, limits, sizeHint, true), { ...rx, id: parsed.data.id }),
  };
}
