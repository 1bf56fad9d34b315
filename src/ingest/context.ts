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
  // Header values are ids: cap them like ids in the schemas.
  return t === "" ? null : t.slice(0, 256);
}

export function readContext(headers: { get(name: string): string | null }): IngestContext {
  return {
    agentId: header(headers, CONTEXT_HEADERS.agentId),
    containerId: header(headers, CONTEXT_HEADERS.containerId),
    hostName: header(headers, CONTEXT_HEADERS.hostName),
    workflowId: header(headers, CONTEXT_HEADERS.workflowId),
    nodeId: header(headers, CONTEXT_HEADERS.nodeId),
    idempotencyKey: header(headers, CONTEXT_HEADERS.idempotencyKey) ?? header(headers, "x-spanlight-idempotency-key"),
  };
}
