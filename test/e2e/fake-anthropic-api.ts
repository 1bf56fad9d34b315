import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scripted stand-in for the Anthropic Messages API, enough for the real Claude Code CLI to run
 * a session offline: streaming (`message_start` … `message_stop`) and plain JSON answers,
 * scripted `tool_use` turns, subagent conversations, `count_tokens`.
 *
 * Which script answers a request is read from the request itself: a conversation is the
 * subagent whose marker occurs in the first user message (the Agent tool's prompt), else the
 * main conversation when its marker occurs there, else an auxiliary request (titles and other
 * side calls) that gets a short text. The turn is the number of assistant messages already in
 * the conversation, so each tool round trip moves the script one step on.
 */

export type ScriptBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; name: string; input: Record<string, unknown> };

export type ScriptTurn = ScriptBlock[];

export type Script = {
  /** Text that identifies the main conversation (usually part of the prompt). */
  mainMarker: string;
  main: ScriptTurn[];
  subagents?: { marker: string; turns: ScriptTurn[] }[];
};

export type ApiRequestRecord = {
  conversation: string;
  turn: number;
  stream: boolean;
  /** tool_result blocks the request carried back, with their error flag. */
  toolResults: { toolUseId: string; isError: boolean }[];
};

export type FakeAnthropicApi = {
  url: string;
  requests: ApiRequestRecord[];
  /** Turns asked for beyond the end of a script (answered with "Done."). */
  overruns: string[];
  close(): Promise<void>;
};

type Message = { role: string; content: unknown };
type Block = { type: string; [key: string]: unknown };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((b: Block) => b?.type === "text")
    .map((b: Block) => String(b.text))
    .join("\n");
}

/** The user text before the first assistant message: it names the conversation. */
function headText(messages: Message[]): string {
  const firstAssistant = messages.findIndex((m) => m.role === "assistant");
  const head = firstAssistant < 0 ? messages : messages.slice(0, firstAssistant);
  return head
    .filter((m) => m.role === "user")
    .map((m) => textOf(m.content))
    .join("\n");
}

function pickConversation(script: Script, messages: Message[]): { name: string; turns: ScriptTurn[] | null } {
  const head = headText(messages);
  for (const [i, sub] of (script.subagents ?? []).entries()) {
    if (head.includes(sub.marker)) return { name: `subagent-${i}`, turns: sub.turns };
  }
  if (head.includes(script.mainMarker)) return { name: "main", turns: script.main };
  return { name: "aux", turns: null };
}

function toolResults(messages: Message[]): ApiRequestRecord["toolResults"] {
  const last = messages.at(-1);
  if (!last || !Array.isArray(last.content)) return [];
  return (last.content as Block[])
    .filter((b) => b?.type === "tool_result")
    .map((b) => ({ toolUseId: String(b.tool_use_id), isError: b.is_error === true }));
}

function usage(outputTokens: number) {
  return { input_tokens: 120, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** The server-sent events of one streamed answer, in the order the real API sends them. */
function toSseEvents(id: string, model: string, content: Block[], stopReason: string): Block[] {
  const events: Block[] = [
    {
      type: "message_start",
      message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, usage: usage(1) },
    },
  ];
  content.forEach((block, index) => {
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } });
    } else {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: usage(20) });
  events.push({ type: "message_stop" });
  return events;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, {
    "content-type": "application/json",
    "request-id": `req_fake_${randomBytes(6).toString("hex")}`,
  });
  res.end(JSON.stringify(body));
}

export async function startFakeAnthropicApi(script: Script): Promise<FakeAnthropicApi> {
  // Tool-use ids must be unique across runs that share a Spanlight server.
  const salt = randomBytes(4).toString("hex");
  const requests: ApiRequestRecord[] = [];
  const overruns: string[] = [];
  let counter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method !== "POST") return sendJson(res, 200, {});
    const body = await readJson(req);
    if (!body) return sendJson(res, 400, { type: "error", error: { type: "invalid_request_error", message: "bad" } });
    if (path === "/v1/messages/count_tokens") return sendJson(res, 200, { input_tokens: 100 });
    if (path !== "/v1/messages") {
      return sendJson(res, 404, { type: "error", error: { type: "not_found_error", message: path } });
    }
    const messages = (Array.isArray(body.messages) ? body.messages : []) as Message[];
    const conversation = pickConversation(script, messages);
    const turn = messages.filter((m) => m.role === "assistant").length;
    const stream = body.stream === true;
    requests.push({ conversation: conversation.name, turn, stream, toolResults: toolResults(messages) });

    let blocks: ScriptTurn;
    if (!conversation.turns) blocks = [{ type: "text", text: "ok" }];
    else if (turn < conversation.turns.length) blocks = conversation.turns[turn]!;
    else {
      overruns.push(`${conversation.name} turn ${turn}`);
      blocks = [{ type: "text", text: "Done." }];
    }
    const content: Block[] = blocks.map((b, i) =>
      b.type === "tool_use" ? { ...b, id: `toolu_${salt}_${conversation.name}_${turn}_${i}` } : { ...b },
    );
    const stopReason = content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
    const model = typeof body.model === "string" ? body.model : "claude-fake";
    const id = `msg_${salt}_${++counter}`;
    if (!stream) {
      return sendJson(res, 200, {
        id,
        type: "message",
        role: "assistant",
        model,
        content,
        stop_reason: stopReason,
        usage: usage(20),
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": id });
    for (const event of toSseEvents(id, model, content, stopReason)) {
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      sendJson(res, 500, { type: "error", error: { type: "api_error", message: String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    overruns,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
