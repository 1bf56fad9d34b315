// The OpenTelemetry JS packages ship their own protobuf wire reader (the protobufjs generated root
// was dropped from @opentelemetry/otlp-transformer in the 0.200 line); it is not re-exported from
// the package index, so it is imported by path. The version is pinned in package.json.
import { ProtobufReader } from "@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js";
import { decodeUtf8 } from "../ingest/parse-json.ts";

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const TWO_64 = 2n ** 64n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class ProtoDecodeError extends Error {
  override name = "ProtoDecodeError";
}

/**
 * One protobuf message being read: the library reader for tags, varints and length-delimited
 * fields, plus the fixed-width and 64-bit scalars OTLP needs (timestamps are fixed64, int
 * attributes are int64 varints that must not lose precision or their sign).
 */
export class ProtoMessage {
  readonly #reader: ProtobufReader;
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  readonly depth: number;

  constructor(buf: Uint8Array, depth = 0) {
    this.#reader = new ProtobufReader(buf);
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.depth = depth;
  }

  /** Calls `onField` for every field in order; unknown fields must be skipped by the callback. */
  each(onField: (field: number, wire: number) => void): void {
    while (!this.#reader.isAtEnd()) {
      const { fieldNumber, wireType } = this.#guard(() => this.#reader.readTag());
      if (fieldNumber === 0) throw new ProtoDecodeError("field number 0 is not valid protobuf");
      onField(fieldNumber, wireType);
    }
  }

  skip(wire: number): void {
    this.#guard(() => this.#reader.skip(wire));
    if (this.#reader.pos > this.#buf.length) throw new ProtoDecodeError("truncated message: field runs past the end");
  }

  #guard<T>(read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof ProtoDecodeError) throw err;
      throw new ProtoDecodeError(err instanceof Error ? err.message : String(err));
    }
  }

  #expect(wire: number, want: number, what: string): void {
    if (wire !== want) throw new ProtoDecodeError(`${what}: wire type ${wire}, expected ${want}`);
  }

  #take(n: number, what: string): number {
    const at = this.#reader.pos;
    if (at + n > this.#buf.length) throw new ProtoDecodeError(`truncated message: ${what} needs ${n} bytes`);
    this.#reader.pos = at + n;
    return at;
  }

  bytes(wire: number, what: string): Uint8Array {
    this.#expect(wire, WIRE.bytes, what);
    return this.#guard(() => this.#reader.readBytes());
  }

  /** Proto3 strings must be valid UTF-8; replacement characters would corrupt ids and names. */
  string(wire: number, what: string): string {
    return decodeUtf8(this.bytes(wire, what));
  }

  message(wire: number, what: string): ProtoMessage {
    return new ProtoMessage(this.bytes(wire, what), this.depth + 1);
  }

  /** uint32, bool and enum fields (small varints). */
  uint(wire: number, what: string): number {
    this.#expect(wire, WIRE.varint, what);
    return this.#guard(() => this.#reader.readVarint());
  }

  #varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const at = this.#take(1, "varint");
      const b = this.#buf[at]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result & (TWO_64 - 1n);
      shift += 7n;
    }
    throw new ProtoDecodeError("varint longer than 10 bytes");
  }

  /** int64 (two's complement varint): a number when exact, else a decimal string. */
  int64(wire: number, what: string): number | string {
    this.#expect(wire, WIRE.varint, what);
    return toJsInt(BigInt.asIntN(64, this.#varint64()));
  }

  /** fixed64 (timestamps): an exact decimal string. */
  fixed64(wire: number, what: string): string {
    this.#expect(wire, WIRE.fixed64, what);
    const at = this.#take(8, what);
    return this.#view.getBigUint64(at, true).toString();
  }

  sfixed64(wire: number, what: string): number | string {
    this.#expect(wire, WIRE.fixed64, what);
    const at = this.#take(8, what);
    return toJsInt(this.#view.getBigInt64(at, true));
  }

  fixed32(wire: number, what: string): number {
    this.#expect(wire, WIRE.fixed32, what);
    const at = this.#take(4, what);
    return this.#view.getUint32(at, true);
  }

  double(wire: number, what: string): number {
    this.#expect(wire, WIRE.fixed64, what);
    const at = this.#take(8, what);
    return this.#view.getFloat64(at, true);
  }
}

function toJsInt(v: bigint): number | string {
  return v <= SAFE && v >= -SAFE ? Number(v) : v.toString();
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}
