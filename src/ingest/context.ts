import { fnv1a32 } from "../text/fnv1a.ts";
import { redactString } from "./redact.ts";
/**
 * Context a payload lacks, carried in optional request headers (documented in docs/api.md):
 * the hook clients set them from their environment (agent, container, workflow, node, host).
 */
export type IngestContext = {
  agentId: string | null;
  containerId: string | null;
  hostName: string | null;
  workflowId: string | null;
  nodeId: string | null;
  /** Per-payload idempotency key: a redelivered payload with the same key is stored once. */
  idempotencyKey: string | null;
};

export const CONTEXT_HEADERS = {
  agentId: "x-spanlight-agent",
  containerId: "x-spanlight-container",
  hostName: "x-spanlight-host",
  workflowId: "x-spanlight-workflow",
  nodeId: "x-spanlight-node",
  idempotencyKey: "idempotency-key",
} as const;

function header(headers: { get(name: string): string | null }, name: string): string | null {
  const v = headers.get(name);
  if (v === null) return null;
  const t = v.trim();
  // Header values are ids, shown and stored like payload text: redacted, then capped like ids in
  // the schemas (a token someone put in SPANLIGHT_AGENT_ID must not be kept either).
  return t === "" ? null : redactString(t).slice(0, 256);
}

function listValue(headers: { get(name: string): string | null }, name: string): string | null {
  const t = headers.get(name)?.trim();
  return t ? t : null;
}

const MAX_KEY_CHARS = 256;

/**
 * An idempotency key within MAX_KEY_CHARS. A longer one keeps a prefix and gains a hash (FNV-1a)
 * and the length of the whole: cut plainly, two keys that share a long prefix would be one, and
 * the later payload would be dropped as a duplicate.
 */
export function boundedKey(key: string): string {
  if (key.length <= MAX_KEY_CHARS) return key;
  return `${key.slice(0, MAX_KEY_CHARS - 24)}~${fnv1a32(key)}:${key.length}`;
}

export function readContext(headers: { get(name: string): string | null }): IngestContext {
  return {
    agentId: header(headers, CONTEXT_HEADERS.agentId),
    containerId: header(headers, CONTEXT_HEADERS.containerId),
    hostName: header(headers, CONTEXT_HEADERS.hostName),
    workflowId: header(headers, CONTEXT_HEADERS.workflowId),
    nodeId: header(headers, CONTEXT_HEADERS.nodeId),
    // Not cut like the others: a batch sends one key per item in this header (routes.ts bounds each).
    idempotencyKey:
      listValue(headers, CONTEXT_HEADERS.idempotencyKey) ?? listValue(headers, "x-spanlight-idempotency-key"),
  };
}
