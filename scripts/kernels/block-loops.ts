/**
 * Loop shapes shared by the convolution and attention kernels (conv-kernels.ts, attention-kernels.ts):
 * counted loops, and the register-blocked "sum of scaled rows" step they are built on:
 *
 *   acc[0, width) += x[i] · row_i[0, width)   for i ascending (optionally skipping x[i] = 0)
 *
 * Each output keeps its own float64 sum in one f64x2 lane (or one f64 for width 1), so the sums see
 * exactly the JS loops' operations in the JS order; float32 weights are promoted, never rounded.
 */
import { type Code, OP, SIMD } from "./wasm-asm.js";

/** Opcodes these kernels need beyond wasm-asm.ts' table (kept here so that file stays as it is). */
export const MORE_OP = {
  else: [0x05],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32DivS: [0x6d],
  i32And: [0x71],
} as const;

/** Output widths of a block, widest first: 8 outputs (four f64x2), then 2, then one scalar. */
export const WIDTHS = [8, 2, 1] as const;
export type Width = (typeof WIDTHS)[number];

/** Declares the locals `accumulate` and `storeBlock` use. */
export function declareBlockLocals(c: Code): Code {
  c.local("xv", "f64").local("xs", "v128").local("accS", "f64").local("xe", "i32");
  for (let k = 0; k < 4; k++) c.local(`acc${k}`, "v128");
  return c;
}

/** `for (v = 0; v < limit; v++) body`; at the body's top level `br 0` continues with the next v. */
export function forUp(c: Code, v: string, limit: string, body: () => void): void {
  c.i32(0).set(v);
  c.op(...OP.block, ...OP.loop);
  c.get(v).get(limit).op(...OP.i32GeS, ...OP.brIf(1));
  c.op(...OP.block);
  body();
  c.op(...OP.end);
  c.get(v).i32(1).op(...OP.i32Add).set(v);
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/** `while (v + width <= limit) { body; v += width }`. */
export function forBlocks(c: Code, v: string, width: number, limit: string, body: () => void): void {
  c.op(...OP.block, ...OP.loop);
  c.get(v).i32(width).op(...OP.i32Add).get(limit).op(...OP.i32GtS, ...OP.brIf(1));
  body();
  c.get(v).i32(width).op(...OP.i32Add).set(v);
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/** Sets the block's accumulators to +0. */
export function zeroBlock(c: Code, width: Width): void {
  if (width === 1) c.op(...F64_ZERO).set("accS");
  else for (let k = 0; k < width / 2; k++) c.zero().set(`acc${k}`);
}

/** Sets the block's accumulators to float32 values at byte address `at` (the local), promoted. */
export function loadBlockF32(c: Code, width: Width, at: string): void {
  if (width === 1) c.get(at).mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32).set("accS");
  else for (let k = 0; k < width / 2; k++) c.get(at).mem([0xfd, SIMD.load64Zero], 2, 8 * k).simd(SIMD.f64x2PromoteLowF32x4).set(`acc${k}`);
}

/** Stores the block's accumulators as float64 at byte address `at` (the local). */
export function storeBlock(c: Code, width: Width, at: string): void {
  if (width === 1) c.get(at).get("accS").mem(OP.f64Store, 3, 0);
  else for (let k = 0; k < width / 2; k++) c.get(at).get(`acc${k}`).mem([0xfd, SIMD.store], 3, 16 * k);
}

export interface RowSum {
  /** Local holding the byte address of the first input (float64, 8 bytes apart); advanced. */
  readonly xp: string;
  /** Local holding the byte address of the first weight row's block; advanced by `rowStride`. */
  readonly wp: string;
  /** Local holding the byte distance between weight rows. */
  readonly rowStride: string;
  /** Local holding the number of inputs. */
  readonly count: string;
  readonly weights: "f32" | "f64";
  /** Skip zero inputs: always (true), never (false), or when the named local is nonzero. */
  readonly skipZeros: boolean | string;
}

/** acc[0, width) += x[i] · row_i[0, width) for i < count, in order: the JS loops' `out[o] += xv * w[o]`. */
export function accumulate(c: Code, width: Width, s: RowSum): void {
  c.get(s.xp).get(s.count).i32(3).op(...OP.i32Shl, ...OP.i32Add).set("xe");
  c.op(...OP.block, ...OP.loop);
  c.get(s.xp).get("xe").op(...MORE_OP.i32GeU, ...OP.brIf(1));
  c.get(s.xp).mem(OP.f64Load, 3, 0).set("xv");
  c.op(...OP.block);
  if (s.skipZeros !== false) {
    c.get("xv").op(...F64_ZERO, ...OP.f64Eq);
    if (typeof s.skipZeros === "string") c.get(s.skipZeros).op(...MORE_OP.i32And);
    c.op(...OP.brIf(0));
  }
  if (width === 1) {
    c.get("accS").get("xv");
    loadWeight(c, s, 1, 0);
    c.op(...OP.f64Mul, ...OP.f64Add).set("accS");
  } else {
    c.get("xv").simd(SIMD.f64x2Splat).set("xs");
    for (let k = 0; k < width / 2; k++) {
      c.get(`acc${k}`).get("xs");
      loadWeight(c, s, 2, k);
      c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(`acc${k}`);
    }
  }
  c.op(...OP.end);
  c.get(s.xp).i32(8).op(...OP.i32Add).set(s.xp);
  c.get(s.wp).get(s.rowStride).op(...OP.i32Add).set(s.wp);
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/** Pushes weight k of the row (a scalar f64, or the k-th f64x2 pair), promoted from float32 if need be. */
function loadWeight(c: Code, s: RowSum, lanes: 1 | 2, k: number): void {
  c.get(s.wp);
  if (lanes === 1) {
    if (s.weights === "f32") c.mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32);
    else c.mem(OP.f64Load, 3, 0);
  } else if (s.weights === "f32") {
    c.mem([0xfd, SIMD.load64Zero], 2, 8 * k).simd(SIMD.f64x2PromoteLowF32x4);
  } else {
    c.mem([0xfd, SIMD.load], 3, 16 * k);
  }
}

export const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0] as const;
