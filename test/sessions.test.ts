/**
 * Stateful streams: `predict` carries state across calls until `resetStates()` (Keras' behaviour
 * between predict calls), and every `createSession()` has its own state, so streams run side by
 * side. Checked against the stateful_lstm case's recorded consecutive Keras calls.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asList, caseFormats, FIXTURES, generateInto, readCase, samples, worstExcess, type GeneratedModule } from "./helpers/cases.js";

const dir = join(FIXTURES, "stateful_lstm");
const kerasCase = readCase(dir);
const steps = kerasCase.steps!.filter((s) => !s.reset);
const input = (k: number) => samples(steps[k]!.inputs![0]!)[0]!;
const expected = (k: number) => samples(steps[k]!.outputs![0]!)[0]!;

function expectStep(got: Float32Array | Float32Array[], k: number): void {
  const { excess } = worstExcess(asList(got)[0]!, expected(k), kerasCase.atol, kerasCase.rtol);
  expect(excess, `step ${k}`).toBeLessThanOrEqual(0);
}

describe("stateful models", () => {
  it("export resetStates, and interleaved sessions keep separate state", async () => {
    const mod = (await import(await generateInto("sessions/stateful", caseFormats(dir)[0]!))) as GeneratedModule;
    expect(typeof mod.resetStates).toBe("function");
    const a = mod.createSession();
    const b = mod.createSession();
    expectStep(a.predict(input(0)), 0);
    expectStep(b.predict(input(0)), 0); // b starts from zero state although a has run
    expectStep(a.predict(input(1)), 1);
    expectStep(a.predict(input(2)), 2);
    expectStep(b.predict(input(1)), 1);
    // The module-level predict is a session of its own, untouched by a and b.
    expectStep(mod.predict(input(0)), 0);
    mod.resetStates!();
    expectStep(mod.predict(input(0)), 0);
  });

  it("a model without stateful layers exports no resetStates and forgets state between calls", async () => {
    const mod = (await import(await generateInto("sessions/stateless", caseFormats(join(FIXTURES, "lstm_default"))[0]!))) as GeneratedModule;
    expect(mod.resetStates).toBeUndefined();
    const x = samples(readCase(join(FIXTURES, "lstm_default")).inputs[0]!)[0]!;
    const first = (mod.predict(x) as Float32Array).slice();
    expect(Array.from(mod.predict(x) as Float32Array)).toEqual(Array.from(first));
  });
});
