/** ClickHouse's RowBinary format, the few types the record tables use: exact floats both ways (its text formats round them). */

/** Appends values to a growing buffer. */
export class RowBinaryWriter {
  private buf: Buffer;
  private at = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Int64 or UInt64 from a safe integer (epoch ms, sequence numbers). */
  int64(v: number): void {
    this.room(8);
    const low = v % 0x1_0000_0000;
    const lowU = low < 0 ? low + 0x1_0000_0000 : low;
    this.buf.writeUInt32LE(lowU, this.at);
    this.buf.writeInt32LE((v - lowU) / 0x1_0000_0000, this.at + 4);
    this.at += 8;
  }

  float64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  /** Int8, as Enum8 values are sent. */
  int8(v: number): void {
    this.room(1);
    this.buf.writeInt8(v, this.at);
    this.at += 1;
  }

  nullableFloat64(v: number | null): void {
    this.int8(v === null ? 1 : 0);
    if (v !== null) this.float64(v);
  }

  string(v: string): void {
    const length = Buffer.byteLength(v);
    this.room(length + 10);
    for (let n = length; ; ) {
      const byte = n & 0x7f;
      n = Math.floor(n / 128);
      this.buf[this.at++] = n > 0 ? byte | 0x80 : byte;
      if (n === 0) break;
    }
    this.at += this.buf.write(v, this.at);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}

/** Thrown by a read that runs past the bytes held: the row continues in the next chunk of the answer. */
export class NeedMoreBytes extends Error {}

const NEED_MORE = new NeedMoreBytes('row continues in the next chunk');

/** Reads values from bytes that may end in the middle of a row (the caller keeps the rest for the next chunk). */
export class RowBinaryReader {
  at = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.at;
  }

  int64(): number {
    if (this.at + 8 > this.buf.length) throw NEED_MORE;
    const low = this.buf.readUInt32LE(this.at);
    const high = this.buf.readInt32LE(this.at + 4);
    this.at += 8;
    return high * 0x1_0000_0000 + low;
  }

  float64(): number {
    if (this.at + 8 > this.buf.length) throw NEED_MORE;
    const v = this.buf.readDoubleLE(this.at);
    this.at += 8;
    return v;
  }

  int8(): number {
    if (this.at + 1 > this.buf.length) throw NEED_MORE;
    return this.buf.readInt8(this.at++);
  }

  nullableFloat64(): number | null {
    return this.int8() === 0 ? this.float64() : null;
  }

  string(): string {
    let length = 0;
    let shift = 1;
    for (;;) {
      const byte = this.buf[this.at++];
      if (byte === undefined) throw NEED_MORE;
      length += (byte & 0x7f) * shift;
      if (byte < 0x80) break;
      shift *= 128;
      if (shift > 2 ** 35) throw new Error('a string length longer than 5 bytes');
    }
    if (this.at + length > this.buf.length) throw NEED_MORE;
    const v = this.buf.toString('utf8', this.at, this.at + length);
    this.at += length;
    return v;
  }
}
