// Bytes kept in a WebAssembly memory so that pieces of them can be copied within it by
// `memory.copy`, a native memmove, at the cost of one call and no object. An impact answer of a
// full reach is ~300,000 pieces of 20–150 bytes; copied by a JavaScript loop or by Buffer.copy
// (which makes a view object per call) that took 3–5 times as long.

// The little of the WebAssembly API used here (the compiler's libraries here do not declare it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

/**
 * The whole module, 64 bytes:
 *   (module
 *     (memory (export "memory") 1)
 *     (func (export "copy") (param $to i32) (param $from i32) (param $length i32)
 *       local.get $to local.get $from local.get $length memory.copy))
 */
const COPY_MODULE = new WebAssembly.Module(
  Uint8Array.from([
    // magic, version
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // type section: one function type (i32, i32, i32) -> ()
    0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00,
    // function section: one function of type 0
    0x03, 0x02, 0x01, 0x00,
    // memory section: one memory of at least 1 page
    0x05, 0x03, 0x01, 0x00, 0x01,
    // export section: "memory" (memory 0), "copy" (function 0)
    0x07, 0x11, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x63, 0x6f, 0x70, 0x79,
    0x00, 0x00,
    // code section: local.get 0, local.get 1, local.get 2, memory.copy 0 0, end
    0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b,
  ]),
);

const PAGE = 65536;

/** A growable run of bytes; `bytes` is a fresh view after every reserve (growing detaches the old one). */
export class ByteArena {
  private readonly memory: WasmMemory;
  /** Copies `length` bytes from `from` to `to` (overlapping is fine). */
  readonly copy: (to: number, from: number, length: number) => void;
  bytes: Uint8Array;
  /** The same bytes as a Buffer, for writing text. */
  private text: Buffer;

  constructor(size: number) {
    const instance = new WebAssembly.Instance(COPY_MODULE);
    this.memory = instance.exports.memory as WasmMemory;
    this.copy = instance.exports.copy as (to: number, from: number, length: number) => void;
    this.bytes = new Uint8Array(this.memory.buffer);
    this.text = Buffer.from(this.memory.buffer);
    this.reserve(size);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Makes the arena at least `size` bytes long (at least doubling it when it grows). */
  reserve(size: number): void {
    if (size <= this.bytes.length) return;
    const target = Math.max(size, 2 * this.bytes.length);
    this.memory.grow(Math.ceil((target - this.bytes.length) / PAGE));
    this.bytes = new Uint8Array(this.memory.buffer);
    this.text = Buffer.from(this.memory.buffer);
  }

  /** Writes `text` as UTF-8 at `at`, growing as needed; returns where it ends. */
  write(text: string, at: number): number {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.reserve(at + 3 * text.length);
    return at + this.text.write(text, at, 'utf8');
  }

  /** A copy of bytes [start, end) in a Buffer of their own. */
  slice(start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    out.set(this.bytes.subarray(start, end));
    return out;
  }
}
