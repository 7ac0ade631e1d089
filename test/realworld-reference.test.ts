/**
 * The two published files TensorFlow.js cannot mirror (GRU reset_after=True; an explicit NotEqual
 * mask into a Bidirectional LSTM), checked instead against the plain float64 reference
 * implementations of test/helpers/rnn-reference.ts, on inputs nobody recorded.
 */
import { describe, expect, it } from "vitest";
import type { Model } from "../generator/ir/types.js";
import { asList, generateShared, importGenerated } from "./helpers/cases.js";
import { loadRealworld, prng, REALWORLD_FILES, realworldFormat } from "./helpers/realworld.js";
import { activationFn, gruRef, lstmRef, runRef, type Vec } from "./helpers/rnn-reference.js";

const file = (dir: string) => REALWORLD_FILES.find((f) => f.dir === dir)!;
const weightsOf = (model: Model, name: string) => model.calls.find((c) => c.layer.name === name)!.layer.weights.map((w) => w.data);

/** x·W + b for a (n, m) kernel. */
function dense(x: Vec, W: Float32Array, b: Float32Array, m: number): Vec {
  return Array.from({ length: m }, (_, j) => x.reduce((s, xi, i) => s + xi * W[i * m + j]!, b[j]!));
}

function expectClose(got: ArrayLike<number>, want: Vec, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${what}: element ${i} got ${got[i]} want ${w}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w)));
}

describe("codeweek_textgen_gru (tf.keras 2.2.4: Embedding → stateful GRU(512, reset_after) → Dense)", () => {
  it("matches the reference over two consecutive calls (state carried) and after resetStates", async () => {
    const f = file("codeweek_textgen_gru");
    const model = await loadRealworld(f);
    const mod = await importGenerated(await generateShared(realworldFormat(f)));
    const [table] = weightsOf(model, "embedding_1");
    const [W, U, b] = weightsOf(model, "gru_1");
    const [Wd, bd] = weightsOf(model, "dense_1");
    const cell = gruRef(512, { W: W!, U: U!, b: b! }, true, Math.tanh, activationFn("sigmoid", 2));
    const random = prng(7);
    let states: Vec[] | undefined;
    const call = (ids: number[]) => {
      const run = runRef(cell, ids.map((id) => Array.from(table!.subarray(id * 8, id * 8 + 8))), states ? { initial: states } : {});
      states = run.states;
      return run.sequence.flatMap((h) => dense(h, Wd!, bd!, 65));
    };
    const session = mod.createSession();
    for (const steps of [4, 3]) {
      const ids = Array.from({ length: steps }, () => Math.floor(random() * 65));
      expectClose(asList(session.predict(ids))[0]!, call(ids), `call of ${steps} steps`);
    }
    session.resetStates();
    states = undefined;
    const ids = [1, 2, 3];
    expectClose(asList(session.predict(ids))[0]!, call(ids), "after resetStates");
  });
});

describe("sandhi_bilstm_k3h5 (Keras 3.7: Embedding, NotEqual mask → Bidirectional LSTM(64) → Dense sigmoid per step)", () => {
  it("matches the reference on padded token sequences (masked steps output zeros in both directions)", async () => {
    const f = file("sandhi_bilstm_k3h5");
    const model = await loadRealworld(f);
    const mod = await importGenerated(await generateShared(realworldFormat(f)));
    const [table] = weightsOf(model, "embedding");
    const [Wf, Uf, bf, Wb, Ub, bb] = weightsOf(model, "bidirectional");
    const [Wd, bd] = weightsOf(model, "dense");
    const sig = activationFn("sigmoid", 3);
    const forward = lstmRef(64, { W: Wf!, U: Uf!, b: bf! }, Math.tanh, sig);
    const backward = lstmRef(64, { W: Wb!, U: Ub!, b: bb! }, Math.tanh, sig);
    const random = prng(11);
    for (const length of [50, 31, 7]) {
      // Real tokens 1..46 then zero padding; one interior zero too.
      const ids = Array.from({ length: 50 }, (_, t) => (t < length ? 1 + Math.floor(random() * 46) : 0));
      ids[3] = 0;
      const xs = ids.map((id) => Array.from(table!.subarray(id * 8, id * 8 + 8)));
      const mask = ids.map((id) => id !== 0);
      const fw = runRef(forward, xs, { mask, zeroOutput: true }).sequence;
      const bw = runRef(backward, xs, { mask, zeroOutput: true, backwards: true }).sequence.reverse();
      const want = fw.flatMap((h, t) => dense([...h, ...bw[t]!], Wd!, bd!, 1).map(sig));
      expectClose(asList(mod.predict(ids))[0]!, want, `${length} real tokens`);
    }
  });
});
