import type { z } from "zod";
import { type EventDraft, hookPayloadSchema, telemetryEventSchema } from "../schema/mod.ts";
import { compileQuickAccept } from "../schema/quick-accept.ts";
import { ApiError, formatPath } from "../server/api-error.ts";
import type { HookIdentity, Received } from "./normalize-hook.ts";
import { toHookEvent } from "./normalize-hook.ts";
import { toTelemetryEvent } from "./normalize-telemetry.ts";
import { sanitizePayload, type TrimLimits } from "./trim.ts";

export type DraftResult = { ok: true; draft: EventDraft } | { ok: false; error: ApiError };

export type IngestKind = "hook" | "telemetry";

// Hooks are the hot path: a payload the quick check vouches for skips zod's copy of it. Anything
// else (including every invalid payload) is decided by zod, which also names what is wrong.
const acceptHook = compileQuickAccept(hookPayloadSchema);

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
        `${prefix || "Body"} must be a JSON object, got ${raw === null ? "null" : Array.isArray(raw) ? "array" : typeof raw}.`,
      ),
    };
  }
  if (kind === "hook") {
    let identity: HookIdentity;
    if (acceptHook?.(raw)) {
      // Read before sanitizing, which rewrites `raw` in place (and could cut a long id).
      const r = raw as HookIdentity;
      identity = { hook_event_name: r.hook_event_name, session_id: r.session_id, duration_ms: r.duration_ms };
    } else {
      const parsed = hookPayloadSchema.safeParse(raw);
      if (!parsed.success) return fail(parsed.error, prefix);
      identity = parsed.data;
    }
    return { ok: true, draft: toHookEvent(identity, sanitizePayload(raw, limits, sizeHint, true), rx) };
  }
  const parsed = telemetryEventSchema.safeParse(raw);
  if (!parsed.success) return fail(parsed.error, prefix);
  return {
    ok: true,
    draft: toTelemetryEvent(parsed.data, sanitizePayload(raw, limits, sizeHint, true), { ...rx, id: parsed.data.id }),
  };
}
