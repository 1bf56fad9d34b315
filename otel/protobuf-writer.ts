/**
 * A protobuf writer with the exact output rules of @opentelemetry/otlp-transformer's ProtobufWriter
 * (varints, fixed64 times, UTF-8 strings), writing each string once instead of estimating first.
 * Length-delimited messages reserve room for their length and move their body only when the
 * guess was wrong, so the output is the shortest encoding, as theirs is.
 */
import type { HrTime } from "@opentelemetry/api";

const encoder = new TextEncoder();
// From this many characters TextEncoder.encodeInto beats a JavaScript loop (measured in Node).
const LONG_STRING = 24;
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);

function varintSize(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55; // A–F; anything else as the SDK's hexToBinary treats it
}

export class Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** The SDK writer's varint: uint32 fast, other numbers as 64-bit two's complement. */
  varint(value: number): void {
    this.ensure(10);
    const b = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        b[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      b[this.pos++] = v;
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 0x100000000) >>> 0;
    } else {
      const abs = Math.abs(value);
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 0x100000000) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      b[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    b[this.pos++] = low & 0x7f;
  }

  fixed32(value: number): void {
    this.ensure(4);
    const v = value >>> 0;
    const b = this.buf;
    b[this.pos++] = v & 0xff;
    b[this.pos++] = (v >>> 8) & 0xff;
    b[this.pos++] = (v >>> 16) & 0xff;
    b[this.pos++] = (v >>> 24) & 0xff;
  }

  fixed64(low: number, high: number): void {
    this.fixed32(low);
    this.fixed32(high);
  }

  double(value: number): void {
    this.ensure(8);
    scratch[0] = value;
    this.buf.set(scratchBytes, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed UTF-8: short strings as ASCII until a character says otherwise, longer ones natively. */
  string(s: string): void {
    const n = s.length;
    if (n >= LONG_STRING) {
      this.longString(s);
      return;
    }
    this.ensure(n + 5);
    const start = this.pos;
    this.varint(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.pos = start;
        this.bytes(encoder.encode(s));
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** TextEncoder straight into the buffer after a length guessed from the character count. */
  longString(s: string): void {
    const reserve = varintSize(s.length);
    this.ensure(reserve + s.length * 3);
    const start = this.pos + reserve;
    const written = encoder.encodeInto(s, this.buf.subarray(start)).written;
    this.pos = start + written;
    this.end(start, reserve);
  }

  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A trace or span id: hex text as length-prefixed bytes, without an intermediate array. */
  hex(id: string): void {
    const n = Math.floor(id.length / 2);
    this.varint(n);
    this.ensure(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      b[this.pos++] = ((hexValue(id.charCodeAt(2 * i)) << 4) | hexValue(id.charCodeAt(2 * i + 1))) & 0xff;
    }
  }

  /** Starts a length-delimited message, leaving `reserve` bytes for its length. */
  begin(reserve: number): number {
    this.ensure(reserve);
    this.pos += reserve;
    return this.pos;
  }

  /** Writes the length of the message begun at `start`, moving its body when the guess was off. */
  end(start: number, reserve: number): void {
    const length = this.pos - start;
    const size = varintSize(length);
    let at = start - reserve;
    if (size !== reserve) {
      this.ensure(size - reserve);
      this.buf.copyWithin(at + size, start, this.pos);
      this.pos += size - reserve;
    }
    const b = this.buf;
    let v = length;
    while (v > 0x7f) {
      b[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[at] = v;
  }
}

/** HrTime as unsigned nanoseconds (fixed64), exact for any date (the SDK's arithmetic). */
export function time(w: Writer, t: HrTime): void {
  const seconds = t[0];
  const nanos = t[1];
  const fromLow = (seconds & 0xffff) * 1e9;
  const fromHigh = ((seconds / 0x10000) >>> 0) * 1e9;
  const low = (fromLow >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
  const high = Math.floor(fromLow / 0x100000000) + ((fromHigh / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
  w.fixed64(low >>> 0, high >>> 0);
}
