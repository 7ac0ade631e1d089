/**
 * The runtime's WebAssembly SIMD kernels, written with the byte writer in `wasm-asm.ts`.
 * Both keep the JavaScript kernels' float64 arithmetic and their order of operations exactly
 * (f64x2 lanes hold the JS partial sums; float32 weights are promoted, never rounded), so the
 * wasm path returns the same bits as the JS path: it only removes bounds checks and does two
 * multiply-adds per instruction.
 *
 *   dotRows(x, n, w, m, out):  out[j] = Σ_i x[i]·w[j·n + i] for j < m   (runtime `dot` order)
 *   axpyRows(x, n, w, m, out): out[j] += x[i]·w[i·m + j] for i < n with x[i] ≠ 0, i ascending
 *
 * Pointers are byte addresses: x and out float64, w float32.
 */
import { rnnKernels } from "./rnn-kernels.js";
import { Code, OP, SIMD, wasmModule, type WasmFunction } from "./wasm-asm.js";

const I32 = "i32" as const;
const params = [["x", I32], ["n", I32], ["w", I32], ["m", I32], ["out", I32]] as [string, "i32"][];

/** dotRows: `rows` output rows per pass (more independent sums in flight), then one at a time. */
function dotRows(): Code {
  const c = new Code(params, []).local("j", I32).local("i", I32).local("xp", I32).local("nb", I32).local("xv", "f64");
  c.local("xa", "v128").local("xb", "v128");
  for (let r = 0; r < 4; r++) c.local(`a${r}`, "v128").local(`b${r}`, "v128").local(`p${r}`, I32).local(`t${r}`, "f64");
  c.get("n").i32(2).op(...OP.i32Shl).set("nb");
  c.i32(0).set("j");
  for (const rows of [4, 1]) rowBlock(c, rows);
  return c;
}

/** Rows j … j+rows−1 while they fit: four partial sums per row in two f64x2, then the scalar tail. */
function rowBlock(c: Code, rows: number): void {
  c.op(...OP.block, ...OP.loop);
  c.get("j").i32(rows).op(...OP.i32Add).get("m").op(...OP.i32GtS, ...OP.brIf(1));
  for (let r = 0; r < rows; r++) {
    c.zero().set(`a${r}`).zero().set(`b${r}`);
    c.get("w").get("j").i32(r).op(...OP.i32Add).get("nb").op(...OP.i32Mul, ...OP.i32Add).set(`p${r}`);
  }
  c.i32(0).set("i").get("x").set("xp");
  // Main loop, 4 inputs a step: lanes [s0, s1] in a, [s2, s3] in b, as the JS `dot` keeps them.
  c.op(...OP.block, ...OP.loop);
  c.get("i").i32(4).op(...OP.i32Add).get("n").op(...OP.i32GtS, ...OP.brIf(1));
  c.get("xp").mem([0xfd, SIMD.load], 3, 0).set("xa");
  c.get("xp").mem([0xfd, SIMD.load], 3, 16).set("xb");
  for (let r = 0; r < rows; r++) {
    for (const [acc, xv, off] of [[`a${r}`, "xa", 0], [`b${r}`, "xb", 8]] as const) {
      c.get(acc).get(xv).get(`p${r}`).mem([0xfd, SIMD.load64Zero], 2, off).simd(SIMD.f64x2PromoteLowF32x4);
      c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc);
    }
    c.get(`p${r}`).i32(16).op(...OP.i32Add).set(`p${r}`);
  }
  c.get("xp").i32(32).op(...OP.i32Add).set("xp");
  c.get("i").i32(4).op(...OP.i32Add).set("i");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  // Tail: the last n mod 4 inputs go into s0, as in JS.
  for (let r = 0; r < rows; r++) c.get(`a${r}`).simd(SIMD.f64x2ExtractLane, 0).set(`t${r}`);
  c.op(...OP.block, ...OP.loop);
  c.get("i").get("n").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("xp").mem(OP.f64Load, 3, 0).set("xv");
  for (let r = 0; r < rows; r++) {
    c.get(`t${r}`).get("xv").get(`p${r}`).mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32, ...OP.f64Mul, ...OP.f64Add).set(`t${r}`);
    c.get(`p${r}`).i32(4).op(...OP.i32Add).set(`p${r}`);
  }
  c.get("xp").i32(8).op(...OP.i32Add).set("xp");
  c.get("i").i32(1).op(...OP.i32Add).set("i");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  // out[j + r] = s0 + s1 + (s2 + s3)
  for (let r = 0; r < rows; r++) {
    c.get("out").get("j").i32(3).op(...OP.i32Shl, ...OP.i32Add);
    c.get(`t${r}`).get(`a${r}`).simd(SIMD.f64x2ExtractLane, 1).op(...OP.f64Add);
    c.get(`b${r}`).simd(SIMD.f64x2ExtractLane, 0).get(`b${r}`).simd(SIMD.f64x2ExtractLane, 1).op(...OP.f64Add, ...OP.f64Add);
    c.mem(OP.f64Store, 3, 8 * r);
  }
  c.get("j").i32(rows).op(...OP.i32Add).set("j");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
}

/**
 * axpyRows: for each nonzero x[i], out[0, m) += x[i] · row i of w. Two consecutive nonzero rows go
 * through `out` in one pass (both products added in row order, as JS does), halving its loads and stores.
 */
function axpyRows(): Code {
  const c = new Code(params, []).local("i", I32).local("j", I32).local("xp", I32).local("wr", I32).local("mb", I32);
  c.local("op", I32).local("wp0", I32).local("wp1", I32).local("xv0", "f64").local("xv1", "f64").local("xs0", "v128").local("xs1", "v128");
  c.get("m").i32(2).op(...OP.i32Shl).set("mb");
  c.i32(0).set("i").get("x").set("xp").get("w").set("wr");
  c.op(...OP.block, ...OP.loop);
  c.get("i").get("n").op(...OP.i32GeS, ...OP.brIf(1));
  c.get("xp").mem(OP.f64Load, 3, 0).set("xv0");
  // A pair when rows i and i + 1 both exist and are nonzero.
  c.op(...OP.block);
  c.get("i").i32(1).op(...OP.i32Add).get("n").op(...OP.i32GeS, ...OP.brIf(0));
  c.get("xp").mem(OP.f64Load, 3, 8).set("xv1");
  c.get("xv0").op(...F64_ZERO, ...OP.f64Eq, ...OP.brIf(0));
  c.get("xv1").op(...F64_ZERO, ...OP.f64Eq, ...OP.brIf(0));
  c.get("wr").get("mb").op(...OP.i32Add).set("wp1");
  axpyPass(c, 2);
  c.get("xp").i32(16).op(...OP.i32Add).set("xp");
  c.get("wr").get("mb").i32(1).op(...OP.i32Shl, ...OP.i32Add).set("wr");
  c.get("i").i32(2).op(...OP.i32Add).set("i");
  c.op(...OP.br(1), ...OP.end);
  // One row (skipped when x[i] is 0).
  c.get("xv0").op(...F64_ZERO, ...OP.f64Ne, ...OP.if);
  axpyPass(c, 1);
  c.op(...OP.end);
  c.get("xp").i32(8).op(...OP.i32Add).set("xp");
  c.get("wr").get("mb").op(...OP.i32Add).set("wr");
  c.get("i").i32(1).op(...OP.i32Add).set("i");
  c.op(...OP.br(0), ...OP.end, ...OP.end);
  return c;
}

const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0] as const;

/** out[0, m) += xv0 · row at wr (and then += xv1 · row at wp1): 8, then 2, then 1 outputs a step. */
function axpyPass(c: Code, rows: 1 | 2): void {
  c.get("xv0").simd(SIMD.f64x2Splat).set("xs0");
  if (rows === 2) c.get("xv1").simd(SIMD.f64x2Splat).set("xs1");
  c.i32(0).set("j").get("out").set("op").get("wr").set("wp0");
  const sources = rows === 2 ? ([["xs0", "wp0"], ["xs1", "wp1"]] as const) : ([["xs0", "wp0"]] as const);
  for (const width of [8, 2]) {
    c.op(...OP.block, ...OP.loop);
    c.get("j").i32(width).op(...OP.i32Add).get("m").op(...OP.i32GtS, ...OP.brIf(1));
    for (let k = 0; k < width / 2; k++) {
      c.get("op").get("op").mem([0xfd, SIMD.load], 3, 16 * k);
      for (const [xs, wp] of sources) {
        c.get(xs).get(wp).mem([0xfd, SIMD.load64Zero], 2, 8 * k).simd(SIMD.f64x2PromoteLowF32x4);
        c.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add);
      }
      c.mem([0xfd, SIMD.store], 3, 16 * k);
    }
    c.get("op").i32(8 * width).op(...OP.i32Add).set("op");
    for (const [, wp] of sources) c.get(wp).i32(4 * width).op(...OP.i32Add).set(wp);
    c.get("j").i32(width).op(...OP.i32Add).set("j");
    c.op(...OP.br(0), ...OP.end, ...OP.end);
  }
  // An odd last output, scalar.
  c.get("j").get("m").op(...OP.i32LtS, ...OP.if);
  c.get("op").get("op").mem(OP.f64Load, 3, 0);
  const xvs = rows === 2 ? ([["xv0", "wp0"], ["xv1", "wp1"]] as const) : ([["xv0", "wp0"]] as const);
  for (const [xv, wp] of xvs) c.get(xv).get(wp).mem(OP.f32Load, 2, 0).op(...OP.f64PromoteF32, ...OP.f64Mul, ...OP.f64Add);
  c.mem(OP.f64Store, 3, 0);
  c.op(...OP.end);
}

/**
 * The kernel module's bytes, exports: memory, dotRows, axpyRows, the recurrent kernels (which call the
 * products by index), then `more` (write-kernels.ts adds the convolution and attention kernels).
 */
export function kernelModuleBytes(more: readonly WasmFunction[] = []): Uint8Array {
  const products: WasmFunction[] = [
    { name: "dotRows", code: dotRows() },
    { name: "axpyRows", code: axpyRows() },
  ];
  const index = (name: string) => products.findIndex((f) => f.name === name);
  return wasmModule([...products, ...rnnKernels(index), ...more]);
}
