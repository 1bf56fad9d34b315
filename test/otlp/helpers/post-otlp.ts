import type { OtlpSignal } from "../../../src/otlp/mod.ts";
import { decodeOtlpJson } from "../../../src/otlp/mod.ts";
import { gzip, loadAllExports, type OtlpExport, serialize } from "./otlp-fixtures.ts";

type App = { request: (path: string, init: RequestInit) => Response | Promise<Response> };

export type WireFormat = "json" | "protobuf" | "protobuf+gzip" | "json+gzip";

/** One captured export as a request in the given wire format (protobuf re-encoded by the OTel serializers). */
export function toRequestInit(signal: OtlpSignal, exp: OtlpExport, format: WireFormat): RequestInit {
  const proto = format.startsWith("protobuf");
  const zipped = format.endsWith("+gzip");
  let body: Uint8Array = proto
    ? serialize(decodeOtlpJson(signal, exp.body), "protobuf")
    : new TextEncoder().encode(JSON.stringify(exp.body));
  if (zipped) body = gzip(body);
  return {
    method: "POST",
    headers: {
      "content-type": proto ? "application/x-protobuf" : "application/json",
      ...(zipped ? { "content-encoding": "gzip" } : {}),
    },
    body: body as Uint8Array<ArrayBuffer>,
  };
}

/** Posts every OTLP export of a scenario in arrival order; throws on anything but 200. */
export async function postScenarioOtlp(
  app: App,
  scenario: string,
  format: WireFormat = "json",
  only?: (signal: OtlpSignal) => boolean,
): Promise<void> {
  for (const exp of loadAllExports(scenario)) {
    if (only && !only(exp.signal)) continue;
    const res = await app.request(`/v1/${exp.signal}`, toRequestInit(exp.signal, exp, format));
    if (res.status !== 200) throw new Error(`${scenario} ${exp.signal}: ${res.status} ${await res.text()}`);
  }
}
