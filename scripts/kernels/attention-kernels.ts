/**
 * The attention kernel of the wasm module: sums of scaled float64 rows, the inner loop of both
 * `attentionScores` (rows of keys, transposed per head on the way in) and `attentionCombine`
 * (rows of values):
 *
 *   mixRows(x, rows, xStride, n, w, wStride, m, out, outStride, skipZeros):
 *     out[r][j] = Σ_i x[r][i] · w[i][j] for r < rows, j < m, i ascending from +0
 *     (x[r][i] = 0 skipped when skipZeros ≠ 0, as attentionCombine skips zero weights)
 *
 * All addresses and strides in bytes, all values float64. Each output is one float64 sum in one
 * lane, with the JS loops' operations in the JS order; 8 outputs are kept in registers at a time.
 */
import { Code, OP } from "./wasm-asm.js";
import type { WasmFunction } from "./wasm-asm.js";
import { accumulate, declareBlockLocals, forBlocks, forUp, storeBlock, WIDTHS, zeroBlock } from "./block-loops.js";

const PARAMS = ["x", "rows", "xStride", "n", "w", "wStride", "m", "out", "outStride", "skipZeros"];

function mixRows(): Code {
  const c = new Code(PARAMS.map((name) => [name, "i32"] as [string, "i32"]), []);
  for (const name of ["r", "j", "xp", "wp", "at"]) c.local(name, "i32");
  declareBlockLocals(c);
  forUp(c, "r", "rows", () => {
    c.i32(0).set("j");
    for (const width of WIDTHS) {
      forBlocks(c, "j", width, "m", () => {
        zeroBlock(c, width);
        c.get("x").get("r").get("xStride").op(...OP.i32Mul, ...OP.i32Add).set("xp");
        c.get("w").get("j").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("wp");
        accumulate(c, width, { xp: "xp", wp: "wp", rowStride: "wStride", count: "n", weights: "f64", skipZeros: "skipZeros" });
        c.get("out").get("r").get("outStride").op(...OP.i32Mul, ...OP.i32Add).get("j").i32(3).op(...OP.i32Shl, ...OP.i32Add).set("at");
        storeBlock(c, width, "at");
      });
    }
  });
  return c;
}

/** The attention kernels, for the kernel module (write-kernels.ts). */
export function attentionKernels(): WasmFunction[] {
  return [{ name: "mixRows", code: mixRows() }];
}
