/**
 * Conformance: every case in ../shared/fixtures/keras, generated from every file format it ships,
 * must reproduce Keras' own `predict` outputs within the case's atol/rtol. Cases whose layers are
 * not supported yet must fail with the clear unsupported error, and are listed here, never passed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { asList, caseFormats, caseNames, FIXTURES, generateInto, generateShared, importGenerated, readCase, samples, worstExcess, type GeneratedModule, type KerasCase, type TensorData } from "./helpers/cases.js";

/** Cases not supported yet, with the text their error must contain. Shrinks as support grows. */
export const EXPECTED_UNSUPPORTED: Record<string, string> = {
  // Issue 9: attention, Keras 3 op layers, transposed convolutions, preprocessing, stacked cells.
  additive_attention: 'unsupported layer class "AdditiveAttention"',
  conv_transpose: 'unsupported layer class "Conv2DTranspose"',
  einsum_dense: 'unsupported layer class "EinsumDense"',
  group_norm: 'unsupported layer class "GroupNormalization"',
  lstm_attention: 'unsupported layer class "Attention"',
  mha_encoder: 'unsupported layer class "MultiHeadAttention"',
  mha_masks: 'unsupported layer class "MultiHeadAttention"',
  ops_layers: 'unsupported layer class "Transpose"',
  preprocessing_numeric: 'unsupported layer class "Discretization"',
  stacked_cells: 'RNN with cell "StackedRNNCells" is not supported',
};

function checkOutputs(got: Float32Array[], want: TensorData[], sample: number, c: KerasCase): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => {
    const expected = samples(w)[sample]!;
    const { excess, index, maxAbs } = worstExcess(got[k]!, expected, c.atol, c.rtol);
    expect(excess, `output ${w.name} sample ${sample}: element ${index} got ${got[k]![index]} want ${expected[index]} (max |diff| ${maxAbs})`).toBeLessThanOrEqual(0);
  });
}

function runCase(mod: GeneratedModule, c: KerasCase): number {
  let checked = 0;
  if (c.steps) {
    const session = mod.createSession();
    for (const step of c.steps) {
      if (step.reset) {
        session.resetStates();
        continue;
      }
      const args = step.inputs!.map((t) => samples(t)[0]!);
      checkOutputs(asList(session.predict(...args)).map((a) => a.slice()), step.outputs!, 0, c);
      checked++;
    }
    return checked;
  }
  const batch = c.inputs[0]!.shape[0]!;
  for (let b = 0; b < batch; b++) {
    const args = c.inputs.map((t) => samples(t)[b]!);
    checkOutputs(asList(mod.predict(...args)).map((a) => a.slice()), c.outputs, b, c);
    checked++;
  }
  return checked;
}

describe.each(caseNames())("case %s", (name) => {
  const dir = join(FIXTURES, name);
  const c = readCase(dir);
  for (const format of caseFormats(dir)) {
    const unsupported = EXPECTED_UNSUPPORTED[name];
    if (unsupported) {
      it(`${format.label}: refused as unsupported (${unsupported})`, async () => {
        const err = await generateInto(`conformance/${name}/${format.label}`, format).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KerasError);
        expect(String((err as Error).message)).toContain(unsupported);
      });
      continue;
    }
    it(`${format.label}: matches Keras within atol ${c.atol} rtol ${c.rtol}`, async () => {
      const path = await generateShared(format);
      const mod = await importGenerated(path);
      expect(mod.inputs.map((i) => i.name)).toEqual(c.inputs.map((i) => i.name));
      expect(mod.outputs.map((o) => o.name)).toEqual(c.outputs.map((o) => o.name));
      expect(runCase(mod, c)).toBeGreaterThan(0);
    });
  }
});
