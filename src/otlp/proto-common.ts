import { setKey } from "./json-values.ts";
import type { AnyValue, Attributes, OtlpResource, OtlpScope } from "./otlp-model.ts";
import { ProtoDecodeError, type ProtoMessage, toHex } from "./proto-reader.ts";

/** The messages every OTLP signal shares (common.proto, resource.proto), read from protobuf. */

export type ProtoLimits = { maxDepth: number };

export function id(m: ProtoMessage, wire: number, bytes: number, what: string): string {
  const raw = m.bytes(wire, what);
  if (raw.length === 0) return "";
  if (raw.length !== bytes) throw new ProtoDecodeError(`${what}: ${raw.length} bytes, expected ${bytes}`);
  return toHex(raw);
}

// common.proto: AnyValue { string_value=1 bool_value=2 int_value=3 double_value=4 array_value=5 kvlist_value=6 bytes_value=7 }
export function anyValue(m: ProtoMessage, limits: ProtoLimits): AnyValue {
  if (m.depth > limits.maxDepth) throw new ProtoDecodeError(`AnyValue nested deeper than ${limits.maxDepth}`);
  let value: AnyValue = null;
  m.each((field, wire) => {
    if (field === 1) value = m.string(wire, "AnyValue.string_value");
    else if (field === 2) value = m.uint(wire, "AnyValue.bool_value") !== 0;
    else if (field === 3) value = m.int64(wire, "AnyValue.int_value");
    else if (field === 4) value = m.double(wire, "AnyValue.double_value");
    else if (field === 5) {
      const arr = m.message(wire, "AnyValue.array_value");
      const values: AnyValue[] = [];
      // ArrayValue { repeated AnyValue values = 1 }
      arr.each((f, w) => (f === 1 ? values.push(anyValue(arr.message(w, "ArrayValue.values"), limits)) : arr.skip(w)));
      value = values;
    } else if (field === 6) value = keyValues(m.message(wire, "AnyValue.kvlist_value"), limits);
    else if (field === 7) value = m.bytes(wire, "AnyValue.bytes_value").slice();
    else m.skip(wire);
  });
  return value;
}

// KeyValueList { repeated KeyValue values = 1 }; KeyValue { string key = 1; AnyValue value = 2 }
export function keyValues(list: ProtoMessage, limits: ProtoLimits): Attributes {
  const out: Attributes = {};
  list.each((f, w) => {
    if (f !== 1) return list.skip(w);
    const [key, value] = keyValue(list.message(w, "KeyValueList.values"), limits);
    setKey(out, key, value);
  });
  return out;
}

export function keyValue(kv: ProtoMessage, limits: ProtoLimits): [string, AnyValue] {
  let key = "";
  let value: AnyValue = null;
  kv.each((f, w) => {
    if (f === 1) key = kv.string(w, "KeyValue.key");
    else if (f === 2) value = anyValue(kv.message(w, "KeyValue.value"), limits);
    else kv.skip(w);
  });
  return [key, value];
}

export function addAttribute(
  target: Attributes,
  m: ProtoMessage,
  wire: number,
  limits: ProtoLimits,
  what: string,
): void {
  const [key, value] = keyValue(m.message(wire, what), limits);
  setKey(target, key, value);
}

// resource.proto: Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2 }
export function resource(m: ProtoMessage, limits: ProtoLimits): OtlpResource {
  const r: OtlpResource = { attributes: {}, droppedAttributesCount: 0 };
  m.each((f, w) => {
    if (f === 1) addAttribute(r.attributes, m, w, limits, "Resource.attributes");
    else if (f === 2) r.droppedAttributesCount = m.uint(w, "Resource.dropped_attributes_count");
    else m.skip(w);
  });
  return r;
}

// InstrumentationScope { name = 1; version = 2; repeated KeyValue attributes = 3; dropped_attributes_count = 4 }
export function scope(m: ProtoMessage, limits: ProtoLimits): OtlpScope {
  const s: OtlpScope = { name: "", version: "", attributes: {}, droppedAttributesCount: 0 };
  m.each((f, w) => {
    if (f === 1) s.name = m.string(w, "InstrumentationScope.name");
    else if (f === 2) s.version = m.string(w, "InstrumentationScope.version");
    else if (f === 3) addAttribute(s.attributes, m, w, limits, "InstrumentationScope.attributes");
    else if (f === 4) s.droppedAttributesCount = m.uint(w, "InstrumentationScope.dropped_attributes_count");
    else m.skip(w);
  });
  return s;
}

export const emptyResource = (): OtlpResource => ({ attributes: {}, droppedAttributesCount: 0 });
export const emptyScope = (): OtlpScope => ({ name: "", version: "", attributes: {}, droppedAttributesCount: 0 });
