/**
 * Recurrent kernels: a whole LSTM or GRU layer's timestep loop in one call, and the vectorised exp,
 * sigmoid and tanh they need. They compute the runtime's JS `expShared`, `sigmoid`, `tanh` and the
 * generated step functions (`lstmGates`; generator/emit/layers/gru.ts) with the same float64
 * operations in the same order (two lanes at a time, no fused multiply-add), so both paths give the
 * same bits. The runtime calls them through `lstmLayerWasm` and `gruLayerWasm`.
 *
 *   rnnInput(x, rows, n, w, m, bias, out, transposed)  out row r = the input product of x row r:
 *       transposed: bias + dotRows (runtime `denseT`), else bias then axpyRows (runtime `dense`)
 *   lstmSteps(zx, steps, u, ut, h, c, d, hs, backwards)  the LSTM loop over precomputed x·W + b rows
 *   gruSteps(zx, steps, u, ut, h, bias, d, rh, hs, backwards, resetAfter)  the GRU loop, both variants
 *   expPairs / sigmoidPairs / tanhPairs(x, pairs, out)  elementwise, two values a step (for tests)
 *
 * Pointers are byte addresses: float64 data, float32 weights. h and c hold an even number of values
 * (one padding value when u is odd); zx and d rows may be read one value past their end.
 */
import { Code, OP, SIMD, type WasmFunction } from "./wasm-asm.js";

const I32 = "i32" as const;
const V128 = "v128" as const;

/** A v128.const (TurboFan rebuilds it at each use, three instructions; a local set once on entry or a
 * load from a table in memory measured no faster: it spills them). */
function constant(c: Code, bytes: number[]): Code {
  return c.simd(SIMD.v128Const, ...bytes);
}

/** Two float64 lanes equal to `v`. */
function f64x2(c: Code, v: number): Code {
  const b = new DataView(new ArrayBuffer(16));
  b.setFloat64(0, v, true);
  b.setFloat64(8, v, true);
  return constant(c, [...new Uint8Array(b.buffer)]);
}

/** Two int64 lanes equal to `v`. */
function i64x2(c: Code, v: number | bigint): Code {
  const b = new DataView(new ArrayBuffer(16));
  b.setBigInt64(0, BigInt(v), true);
  b.setBigInt64(8, BigInt(v), true);
  return constant(c, [...new Uint8Array(b.buffer)]);
}

// The runtime's exp constants (see `expShared` there).
const EXP_SHIFT = 6755399441055744;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/** EXP_SHIFT's bits: t's bits minus these are k, for t = y·log2e + EXP_SHIFT. */
const SHIFT_BITS = 0x4338000000000000n;
/** 1/n! for n = 2 … 13, as the runtime writes them (1 / 6227020800 …). */
const C = [2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800, 479001600, 6227020800].map((f) => 1 / f);

/** Locals the activation code uses (declared once per function). */
function activationLocals(c: Code): Code {
  for (const name of ["ax", "ay", "at", "ak", "ar", "ar2", "ar4", "aq", "ae"]) c.local(name, V128);
  return c;
}

/** Pushes Estrin's pair c[i] + r·c[i+1] + (c[i+2] + r·c[i+3])·r² (the runtime's b0, b1, b2). */
function quad(c: Code, i: number): void {
  f64x2(c, C[i]!).get("ar");
  f64x2(c, C[i + 1]!).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  f64x2(c, C[i + 2]!).get("ar");
  f64x2(c, C[i + 3]!).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  c.get("ar2").simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
}

/**
 * From `ay`: at = ay·log2e + SHIFT (k in its low bits), ak = at − SHIFT (k as a float64) and
 * aq = e^r − 1 with r = ay − k·LN2_HI − k·LN2_LO (runtime `expm1Reduced`).
 */
function expParts(c: Code): void {
  c.get("ay");
  f64x2(c, Math.LOG2E).simd(SIMD.f64x2Mul);
  f64x2(c, EXP_SHIFT).simd(SIMD.f64x2Add).tee("at");
  f64x2(c, EXP_SHIFT).simd(SIMD.f64x2Sub).set("ak");
  c.get("ay").get("ak");
  f64x2(c, LN2_HI).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Sub).get("ak");
  f64x2(c, LN2_LO).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Sub).tee("ar");
  c.get("ar").simd(SIMD.f64x2Mul).tee("ar2").get("ar2").simd(SIMD.f64x2Mul).set("ar4");
  // r + r2·(b0 + r4·(b1 + r4·b2))
  c.get("ar").get("ar2");
  quad(c, 0);
  c.get("ar4");
  quad(c, 4);
  c.get("ar4");
  quad(c, 8);
  c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set("aq");
}

/** Pushes 2^k for the int64 lanes on the stack (normal k only): (k + 1023) << 52. */
function pow2(c: Code): void {
  i64x2(c, 1023).simd(SIMD.i64x2Add).i32(52).simd(SIMD.i64x2Shl);
}

/**
 * Pushes e^ay (runtime `expShared`): clamped to [−746, 710] (pmax/pmin: y < −746 ? −746 : y, which keeps
 * NaN as the JS ternaries do), scaled by 2^k1 then 2^k2 (k1 = k >> 1; 2^k itself may not be normal).
 */
function expOf(c: Code): void {
  c.get("ay");
  f64x2(c, -746).simd(SIMD.f64x2Pmax);
  f64x2(c, 710).simd(SIMD.f64x2Pmin).set("ay");
  expParts(c);
  // k as int64 lanes: at's bits minus SHIFT's bits.
  c.get("at");
  i64x2(c, SHIFT_BITS).simd(SIMD.i64x2Sub).tee("ar");
  c.i32(1).simd(SIMD.i64x2ShrS).set("ar2");
  f64x2(c, 1).get("aq").simd(SIMD.f64x2Add);
  c.get("ar2");
  pow2(c);
  c.simd(SIMD.f64x2Mul);
  c.get("ar").get("ar2").simd(SIMD.i64x2Sub);
  pow2(c);
  c.simd(SIMD.f64x2Mul);
}

/**
 * Pushes e^ay for ay ≤ 0 (or NaN), as `expOf` but cheaper: k ≤ 0, so 2^(k + 64) is normal and
 * p·2^(k + 64)·2^−64 rounds once, like p·2^k1·2^k2 (both products are exact until the last).
 */
function expOfNonPositive(c: Code): void {
  c.get("ay");
  f64x2(c, -746).simd(SIMD.f64x2Pmax).set("ay");
  expParts(c);
  f64x2(c, 1).get("aq").simd(SIMD.f64x2Add);
  c.get("at");
  i64x2(c, SHIFT_BITS - 64n).simd(SIMD.i64x2Sub);
  pow2(c);
  c.simd(SIMD.f64x2Mul);
  f64x2(c, 2 ** -64).simd(SIMD.f64x2Mul);
}

/** Pushes sigmoid(local `x`): e = e^−|x|, then x ≥ 0 ? 1 / (1 + e) : e / (1 + e). */
export function sigmoidOf(c: Code, x: string): void {
  // −|x|: the sign bit set (one instruction; abs then neg are two).
  c.get(x);
  f64x2(c, -0).simd(SIMD.v128Or).set("ay");
  expOfNonPositive(c);
  c.set("ae");
  f64x2(c, 1).get("ae").get(x).zero().simd(SIMD.f64x2Ge).simd(SIMD.v128Bitselect);
  f64x2(c, 1).get("ae").simd(SIMD.f64x2Add).simd(SIMD.f64x2Div);
}

/** Pushes tanh(local `x`) as the runtime's `tanh` computes it. */
export function tanhOf(c: Code, x: string): void {
  f64x2(c, -2).get(x).simd(SIMD.f64x2Abs);
  f64x2(c, 22).simd(SIMD.f64x2Pmin).simd(SIMD.f64x2Mul).set("ay");
  expParts(c);
  // e = k == 0 ? q : (1 + q)·2^k − 1
  c.get("aq");
  f64x2(c, 1).get("aq").simd(SIMD.f64x2Add);
  c.get("at");
  i64x2(c, SHIFT_BITS).simd(SIMD.i64x2Sub);
  pow2(c);
  c.simd(SIMD.f64x2Mul);
  f64x2(c, 1).simd(SIMD.f64x2Sub);
  c.get("ak").zero().simd(SIMD.f64x2Eq).simd(SIMD.v128Bitselect).set("ae");
  // t = (0 − e) / (2 + e); x < 0 ? −t : t
  c.zero().get("ae").simd(SIMD.f64x2Sub);
  f64x2(c, 2).get("ae").simd(SIMD.f64x2Add).simd(SIMD.f64x2Div).tee("ae");
  c.simd(SIMD.f64x2Neg).get("ae").get(x).zero().simd(SIMD.f64x2Lt).simd(SIMD.v128Bitselect);
}

/** out[i] = f(x[i]) for 2·pairs values: the activations on their own, for tests. */
function pairsKernel(f: (c: Code, x: string) => void): Code {
  const c = new Code([["x", I32], ["pairs", I32], ["out", I32]], []).local("v", V128);
  activationLocals(c);
  c.op(...OP.block, ...OP.loop);
  c.get("pairs").i32(1).op(...OP.i32LtS, ...OP.brIf(1));
  c.get("x").mem([0xfd, SIMD.load], 3, 0).set("v");
  c.get("out");
  f(c, "v");
  c.mem([0xfd, SIMD.store], 3, 0);
  for (const p of ["x", "out"]) c.get(p).i32(16).op(...OP.i32Add).set(p);
  c.get("pairs").i32(1).op(...OP.i32Sub).set("pairs");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  return c;
}

function expKernel(c: Code, x: string): void {
  c.get(x).set("ay");
  expOf(c);
}

/** rnnInput: each row's input product into `out` (rows of m), as the runtime's `denseT` or `dense`. */
function rnnInput(dotRows: number, axpyRows: number): Code {
  const c = new Code([["x", I32], ["rows", I32], ["n", I32], ["w", I32], ["m", I32], ["bias", I32], ["out", I32], ["transposed", I32]], []);
  c.local("r", I32).local("j", I32).local("o", I32);
  c.i32(0).set("r");
  c.op(...OP.block, ...OP.loop);
  c.get("r").get("rows").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("transposed").op(...OP.if);
  c.get("x").get("n").get("w").get("m").get("out").op(...OP.call(dotRows));
  biasLoop(c, true);
  c.op(...OP.else);
  biasLoop(c, false);
  c.get("x").get("n").get("w").get("m").get("out").op(...OP.call(axpyRows));
  c.op(...OP.end);
  c.get("x").get("n").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("x");
  c.get("out").get("m").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("out");
  c.get("r").i32(1).op(...OP.i32Add).set("r");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  return c;
}

/** out[j] = bias[j] (+ out[j] when `add`: the dot product is already there) for j < m. */
function biasLoop(c: Code, add: boolean): void {
  c.i32(0).set("j").get("out").set("o");
  // Two values a step, then an odd last one.
  c.op(...OP.block, ...OP.loop);
  c.get("j").i32(2).op(...OP.i32Add).get("m").op(...OP.i32GtS, ...OP.brIf(1));
  c.get("o").get("bias").get("j").i32(2).op(...OP.i32Shl, ...OP.i32Add).mem([0xfd, SIMD.load64Zero], 2, 0).simd(SIMD.f64x2PromoteLowF32x4);
  if (add) c.get("o").mem([0xfd, SIMD.load], 3, 0).simd(SIMD.f64x2Add);
  c.mem([0xfd, SIMD.store], 3, 0);
  c.get("o").i32(16).op(...OP.i32Add).set("o");
  c.get("j").i32(2).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  c.get("j").get("m").op(...OP.i32LtS, ...OP.if);
  c.get("o").get("bias").get("j").i32(2).op(...OP.i32Shl, ...OP.i32Add).mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32);
  if (add) c.get("o").mem(OP.f64Load, 3, 0).op(...OP.f64Add);
  c.mem(OP.f64Store, 3, 0);
  c.op(...OP.end);
}

/**
 * lstmSteps: for s < steps, t = backwards ? steps − 1 − s : s: d = h·U (dotRows over the transposed
 * recurrent kernel), z = zx row t + d, gates [i, f, c, o], c' = f·c + i·tanh(z_c), h' = o·tanh(c');
 * h' goes to row s of hs unless hs is 0.
 */
function lstmSteps(dotRows: number): Code {
  const c = new Code([["zx", I32], ["steps", I32], ["u", I32], ["ut", I32], ["h", I32], ["c", I32], ["d", I32], ["hs", I32], ["backwards", I32]], []);
  c.local("s", I32).local("j", I32).local("zp", I32).local("dp", I32).local("ub", I32).local("hp", I32).local("cp", I32);
  for (const v of ["zi", "zf", "zg", "zo", "ct"]) c.local(v, V128);
  activationLocals(c);
  c.get("u").i32(3).op(...OP.i32Shl).set("ub");
  c.i32(0).set("s");
  c.op(...OP.block, ...OP.loop);
  c.get("s").get("steps").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("h").get("u").get("ut").get("u").i32(2).op(...OP.i32Shl).get("d").op(...OP.call(dotRows));
  // zp = zx + t·4u·8
  c.get("zx");
  c.get("backwards").op(...OP.if);
  c.get("steps").i32(1).op(...OP.i32Sub).get("s").op(...OP.i32Sub).set("j");
  c.op(...OP.else);
  c.get("s").set("j");
  c.op(...OP.end);
  c.get("j").get("ub").i32(2).op(...OP.i32Shl, ...OP.i32Mul, ...OP.i32Add).set("zp");
  c.get("d").set("dp").get("h").set("hp").get("c").set("cp").i32(0).set("j");
  gatePairs(c);
  copyState(c);
  c.get("s").i32(1).op(...OP.i32Add).set("s");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  return c;
}

/**
 * The gate update for units j, j+1 while j < u (an odd u also updates the padding value), in two
 * passes: the four gates and c' (o parked in h, which this step no longer reads), then h' = o·tanh(c').
 * Each pass's pairs are independent: the CPU overlaps them, where one pass of two dependent
 * activation chains per pair ran at the chains' latency.
 */
function gatePairs(c: Code): void {
  c.op(...OP.block, ...OP.loop);
  c.get("j").get("u").op(...OP.i32GeS, ...OP.brIf(1));
  ["zi", "zf", "zg", "zo"].forEach((gate, k) => {
    c.get("zp");
    if (k > 0) c.get("ub").i32(k).op(...OP.i32Mul, ...OP.i32Add);
    c.mem([0xfd, SIMD.load], 3, 0);
    c.get("dp");
    if (k > 0) c.get("ub").i32(k).op(...OP.i32Mul, ...OP.i32Add);
    c.mem([0xfd, SIMD.load], 3, 0).simd(SIMD.f64x2Add).set(gate);
  });
  // i, f, o through sigmoid (o straight into h's slot), the candidate through tanh.
  for (const gate of ["zi", "zf"]) (sigmoidOf(c, gate), c.set(gate));
  c.get("hp");
  sigmoidOf(c, "zo");
  c.mem([0xfd, SIMD.store], 3, 0);
  tanhOf(c, "zg");
  c.set("zg");
  // c' = f·c + i·g
  c.get("cp");
  c.get("zf").get("cp").mem([0xfd, SIMD.load], 3, 0).simd(SIMD.f64x2Mul);
  c.get("zi").get("zg").simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
  c.mem([0xfd, SIMD.store], 3, 0);
  for (const p of ["zp", "dp", "hp", "cp"]) c.get(p).i32(16).op(...OP.i32Add).set(p);
  c.get("j").i32(2).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  // h' = o·tanh(c')
  c.get("h").set("hp").get("c").set("cp").i32(0).set("j");
  c.op(...OP.block, ...OP.loop);
  c.get("j").get("u").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("cp").mem([0xfd, SIMD.load], 3, 0).set("ct");
  c.get("hp").get("hp").mem([0xfd, SIMD.load], 3, 0);
  tanhOf(c, "ct");
  c.simd(SIMD.f64x2Mul).mem([0xfd, SIMD.store], 3, 0);
  for (const p of ["hp", "cp"]) c.get(p).i32(16).op(...OP.i32Add).set(p);
  c.get("j").i32(2).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/** hs row s = h (pairs; an odd u spills one value into the next row, written later, or the slack). */
function copyState(c: Code): void {
  c.get("hs").op(...OP.if);
  c.i32(0).set("j").get("hs").get("s").get("ub").op(...OP.i32Mul, ...OP.i32Add).set("dp");
  c.op(...OP.block, ...OP.loop);
  c.get("j").get("u").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("dp").get("h").get("j").i32(3).op(...OP.i32Shl, ...OP.i32Add).mem([0xfd, SIMD.load], 3, 0).mem([0xfd, SIMD.store], 3, 0);
  c.get("dp").i32(16).op(...OP.i32Add).set("dp");
  c.get("j").i32(2).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  c.op(...OP.end);
}

/** Pushes the float64 pair at local pointer `p` + k·ub (`p` + k·u float64 values). */
function pairAt(c: Code, p: string, k: number): void {
  c.get(p);
  if (k > 0) c.get("ub").i32(k).op(...OP.i32Mul, ...OP.i32Add);
  c.mem([0xfd, SIMD.load], 3, 0);
}

/** Pushes the float32 pair at local pointer `p` + k·u float32 values, promoted. */
function f32PairAt(c: Code, p: string, k: number): void {
  c.get(p);
  if (k > 0) c.get("ub").i32(k).op(...OP.i32Mul).i32(1).op(...OP.i32ShrU, ...OP.i32Add);
  c.mem([0xfd, SIMD.load64Zero], 2, 0).simd(SIMD.f64x2PromoteLowF32x4);
}

/**
 * gruSteps: for s < steps (t as in lstmSteps) over zx rows of 3u (blocks [z, r, h]; with
 * reset_after, x·W without bias, else x·W + b), h' = z·h + (1 − z)·hh, as the runtime's GRU step:
 *   reset_after: d = 0 + h·U; z, r = sigmoid((zx + b_in) + (d + b_rec)); hh = tanh((zx + b_in) + r·(d + b_rec))
 *   else:        z, r = sigmoid(zx + h·U); hh = tanh(zx + (r·h)·U_h)
 * bias: the (2, 3u) float32 bias (reset_after; zeros when the layer has none); rh: u float64 of scratch.
 */
function gruSteps(dotRows: number): Code {
  const c = new Code([["zx", I32], ["steps", I32], ["u", I32], ["ut", I32], ["h", I32], ["bias", I32], ["d", I32], ["rh", I32], ["hs", I32], ["backwards", I32], ["resetAfter", I32]], []);
  c.local("s", I32).local("j", I32).local("zp", I32).local("dp", I32).local("ub", I32).local("hp", I32).local("bp", I32).local("rp", I32);
  for (const v of ["gz", "gr", "gh", "ct"]) c.local(v, V128);
  activationLocals(c);
  c.get("u").i32(3).op(...OP.i32Shl).set("ub");
  c.i32(0).set("s");
  c.op(...OP.block, ...OP.loop);
  c.get("s").get("steps").op(...OP.i32GeS, ...OP.brIf(1));
  // zp = zx + t·3u·8
  c.get("zx");
  c.get("backwards").op(...OP.if);
  c.get("steps").i32(1).op(...OP.i32Sub).get("s").op(...OP.i32Sub).set("j");
  c.op(...OP.else);
  c.get("s").set("j");
  c.op(...OP.end);
  c.get("j").get("ub").i32(3).op(...OP.i32Mul, ...OP.i32Mul, ...OP.i32Add).set("zp");
  c.get("resetAfter").op(...OP.if);
  c.get("h").get("u").get("ut").get("u").i32(3).op(...OP.i32Mul).get("d").op(...OP.call(dotRows));
  gruResetAfterPairs(c);
  c.op(...OP.else);
  c.get("h").get("u").get("ut").get("u").i32(1).op(...OP.i32Shl).get("d").op(...OP.call(dotRows));
  gruResetBeforePairs(c, dotRows);
  c.op(...OP.end);
  copyState(c);
  c.get("s").i32(1).op(...OP.i32Add).set("s");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  return c;
}

/** Sets the pair loop's pointers (zp stays: rows advance through `zp` copies) and opens the loop. */
function openPairs(c: Code): void {
  c.get("zp").set("rp").get("d").set("dp").get("h").set("hp").get("bias").set("bp").i32(0).set("j");
  c.op(...OP.block, ...OP.loop);
  c.get("j").get("u").op(...OP.i32GeS, ...OP.brIf(1));
}

function closePairs(c: Code, pointers: readonly [string, number][]): void {
  for (const [p, bytes] of pointers) c.get(p).i32(bytes).op(...OP.i32Add).set(p);
  c.get("j").i32(2).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/** Pushes z·h + (1 − z)·hh for locals z and hh, h read at hp. */
function blend(c: Code, z: string, hh: string): void {
  c.get(z).get("hp").mem([0xfd, SIMD.load], 3, 0).simd(SIMD.f64x2Mul);
  f64x2(c, 1).get(z).simd(SIMD.f64x2Sub).get(hh).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
}

function gruResetAfterPairs(c: Code): void {
  openPairs(c);
  // Block k's input side (zx + b_in) in gz/gr/gh by turns, recurrent side (0 + d + b_rec) in ct.
  const inputSide = (k: number) => (pairAt(c, "rp", k), f32PairAt(c, "bp", k), c.simd(SIMD.f64x2Add));
  const recurrentSide = (k: number) => (c.zero(), pairAt(c, "dp", k), c.simd(SIMD.f64x2Add), f32PairAt(c, "bp", 3 + k), c.simd(SIMD.f64x2Add));
  inputSide(0);
  recurrentSide(0);
  c.simd(SIMD.f64x2Add).set("ct");
  sigmoidOf(c, "ct");
  c.set("gz");
  inputSide(1);
  recurrentSide(1);
  c.simd(SIMD.f64x2Add).set("ct");
  sigmoidOf(c, "ct");
  c.set("gr");
  inputSide(2);
  c.get("gr");
  recurrentSide(2);
  c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set("ct");
  tanhOf(c, "ct");
  c.set("gh");
  c.get("hp");
  blend(c, "gz", "gh");
  c.mem([0xfd, SIMD.store], 3, 0);
  closePairs(c, [["rp", 16], ["dp", 16], ["hp", 16], ["bp", 8]]);
}

function gruResetBeforePairs(c: Code, dotRows: number): void {
  // z and r from zx + h·U; z kept in d's first block, r·h in rh.
  // Both sums are read before z is stored: with an odd u the last pair's store reaches r's block.
  openPairs(c);
  pairAt(c, "rp", 0);
  pairAt(c, "dp", 0);
  c.simd(SIMD.f64x2Add).set("gz");
  pairAt(c, "rp", 1);
  pairAt(c, "dp", 1);
  c.simd(SIMD.f64x2Add).set("ct");
  c.get("dp");
  sigmoidOf(c, "gz");
  c.mem([0xfd, SIMD.store], 3, 0);
  c.get("rh").get("j").i32(3).op(...OP.i32Shl, ...OP.i32Add);
  sigmoidOf(c, "ct");
  c.get("hp").mem([0xfd, SIMD.load], 3, 0).simd(SIMD.f64x2Mul).mem([0xfd, SIMD.store], 3, 0);
  closePairs(c, [["rp", 16], ["dp", 16], ["hp", 16]]);
  // d's last block = (r·h)·U_h, then the candidate and the new h.
  c.get("rh").get("u").get("ut").get("u").get("ub").op(...OP.i32Mul, ...OP.i32Add).get("u");
  c.get("d").get("ub").i32(1).op(...OP.i32Shl, ...OP.i32Add).op(...OP.call(dotRows));
  openPairs(c);
  pairAt(c, "rp", 2);
  pairAt(c, "dp", 2);
  c.simd(SIMD.f64x2Add).set("ct");
  tanhOf(c, "ct");
  c.set("gh");
  pairAt(c, "dp", 0);
  c.set("gz");
  c.get("hp");
  blend(c, "gz", "gh");
  c.mem([0xfd, SIMD.store], 3, 0);
  closePairs(c, [["rp", 16], ["dp", 16], ["hp", 16]]);
}

/** The recurrent kernels, given the indices of the product kernels they call. */
export function rnnKernels(index: (name: string) => number): WasmFunction[] {
  return [
    { name: "rnnInput", code: rnnInput(index("dotRows"), index("axpyRows")) },
    { name: "lstmSteps", code: lstmSteps(index("dotRows")) },
    { name: "gruSteps", code: gruSteps(index("dotRows")) },
    { name: "expPairs", code: pairsKernel(expKernel) },
    { name: "sigmoidPairs", code: pairsKernel(sigmoidOf) },
    { name: "tanhPairs", code: pairsKernel(tanhOf) },
  ];
}
