/**
 * A tiny WebAssembly binary writer: just enough (one memory, functions over i32/f64/v128 locals,
 * structured control, the SIMD opcodes the kernels use) to emit the runtime's kernel module
 * without a toolchain. Opcode numbers are those of the WebAssembly core and SIMD specifications.
 */

export type ValType = "i32" | "f64" | "v128";
const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

function utf8(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Instruction builder for one function body: each method appends code and returns `this`. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly names = new Map<string, number>();

  constructor(readonly params: readonly [string, ValType][], readonly results: readonly ValType[]) {
    params.forEach(([name], i) => this.names.set(name, i));
  }

  /** Declares a local (after the parameters). */
  local(name: string, type: ValType): this {
    this.names.set(name, this.params.length + this.localTypes.length);
    this.localTypes.push(type);
    return this;
  }

  private index(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`unknown local ${name}`);
    return i;
  }

  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  get(name: string): this {
    return this.op(0x20, ...uleb(this.index(name)));
  }
  set(name: string): this {
    return this.op(0x21, ...uleb(this.index(name)));
  }
  tee(name: string): this {
    return this.op(0x22, ...uleb(this.index(name)));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  /** v128 of zeros. */
  zero(): this {
    return this.op(0xfd, ...uleb(12), ...new Array<number>(16).fill(0));
  }
  /** SIMD instruction by its opcode number (after the 0xfd prefix). */
  simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }
  /** A memory access: opcode bytes, then alignment (log2) and a constant byte offset. */
  mem(opcode: readonly number[], alignLog2: number, offset: number): this {
    return this.op(...opcode, ...uleb(alignLog2), ...uleb(offset));
  }

  /** Encoded body: local declarations (one entry per local) then the code and `end`. */
  body(): number[] {
    const locals = vec(this.localTypes.map((t) => [1, VALTYPE[t]]));
    const all = [...locals, ...this.bytes, 0x0b];
    return [...uleb(all.length), ...all];
  }
}

/** Opcodes used by the kernels, by their text-format names. */
export const OP = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  call: (index: number) => [0x10, ...uleb(index)],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32GeS: [0x4e],
  i32GtS: [0x4a],
  i32LtS: [0x48],
  f64Eq: [0x61],
  f64Ne: [0x62],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64PromoteF32: [0xbb],
  f32Load: [0x2a],
  f64Load: [0x2b],
  f64Store: [0x39],
} as const;

/** SIMD opcode numbers (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  load64Zero: 0x5d,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
  // Used by the recurrent kernels (scripts/kernels/rnn-kernels.ts).
  v128Const: 0x0c,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  f64x2Eq: 0x47,
  f64x2Lt: 0x49,
  f64x2Ge: 0x4c,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sub: 0xf1,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
  f64x2Pmin: 0xf6,
  f64x2Pmax: 0xf7,
  i64x2Shl: 0xcb,
  i64x2ShrS: 0xcc,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
} as const;

export interface WasmFunction {
  readonly name: string;
  readonly code: Code;
}

/** A module with one exported memory ("memory", `pages` 64 KiB pages to start) and exported functions. */
export function wasmModule(functions: readonly WasmFunction[], pages = 1): Uint8Array {
  const types = functions.map(({ code }) => [0x60, ...vec(code.params.map(([, t]) => [VALTYPE[t]])), ...vec(code.results.map((t) => [VALTYPE[t]]))]);
  const exports: number[][] = [[...uleb(6), ...utf8("memory"), 0x02, ...uleb(0)]];
  functions.forEach(({ name }, i) => exports.push([...uleb(utf8(name).length), ...utf8(name), 0x00, ...uleb(i)]));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map(({ code }) => code.body()))),
  ]);
}
