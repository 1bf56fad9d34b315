// JSON may spell an unpaired surrogate (`"\ud83d"`: a sender that cut a string between the two
// halves of an emoji), and protobufjs decodes the bytes ED A0..BF xx to one. Such a string is not
// text: it cannot be encoded as UTF-8 or put in a URL (the dashboard's links to a session threw on
// it), and it would not survive a round trip through any exporter. Each unpaired half becomes
// U+FFFD, as a UTF-8 decoder does with bytes it cannot read; the rest of the value is kept.

/** Whether a JSON text may hold an unpaired surrogate: only an escape can spell one. */
export function mayHoldSurrogateEscape(text: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(text);
}

/**
 * Whether a protobuf body may decode to an unpaired surrogate: protobufjs makes one only of an ED
 * byte whose next byte has its 0x20 bit set (it reads continuation bytes as `b & 0x3F` without
 * checking them: ED A0 80, but also ED 20 80). ED alone is common in ids and timestamps.
 */
export function mayHoldSurrogateBytes(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xed); i !== -1 && i < bytes.length - 1; i = bytes.indexOf(0xed, i + 1)) {
    if ((bytes[i + 1]! & 0x20) !== 0) return true;
  }
  return false;
}

/** `value` with every string (keys included) well-formed; objects and arrays are repaired in place. */
export function wellFormedDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.isWellFormed() ? value : value.toWellFormed();
  // Depth is bounded by the parsers' limits before this runs; this only keeps a bug from recursing forever.
  if (value === null || typeof value !== "object" || depth > 1000 || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormedDeep(value[i], depth + 1);
    return value;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.every((k) => k.isWellFormed())) {
    for (const k of keys) o[k] = wellFormedDeep(o[k], depth + 1);
    return o;
  }
  // A key to repair: rebuilt in order (a later key repaired to the same text wins, as in JSON).
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.toWellFormed()] = wellFormedDeep(o[k], depth + 1);
  return out;
}
