/**
 * The layer descriptor is the one home of a layer kind: the registry answers for masks, loading and
 * the README table; passes are checked after each step; loading depends on no IR module.
 */
import { OP_NAMES } from "../generator/emit/layers/ops/index.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layerKinds, maskPolicyOf, supportedClasses, supportedLayerGroups } from "../generator/emit/layers/registry.js";
import { makeLayer } from "../generator/ir/build.js";
import type { Model } from "../generator/ir/types.js";
import { runPasses, type Pass } from "../generator/passes/index.js";
import { modelFromConfig, sequential } from "./helpers/ir.js";

const ROOT = join(import.meta.dirname, "..");

describe("layer descriptors", () => {
  it("list every registered class in exactly one README group, and the op family's ops in their own", () => {
    const groups = supportedLayerGroups();
    const listed = groups.filter((g) => g.group !== "Keras 3 ops").flatMap((g) => g.classes);
    expect([...listed].sort()).toEqual(supportedClasses());
    expect(groups.find((g) => g.group === "Keras 3 ops")?.classes).toEqual([...OP_NAMES]);
  });

  it("give mask policies by config and tell the loader which classes take initial states", () => {
    expect(maskPolicyOf(makeLayer("Embedding", "e", { mask_zero: true }, []))).toBe("create");
    expect(maskPolicyOf(makeLayer("Embedding", "e", { mask_zero: false }, []))).toBe("drop");
    expect(maskPolicyOf(makeLayer("GlobalAveragePooling1D", "g", {}, []))).toBe("read");
    expect(maskPolicyOf(makeLayer("GlobalMaxPooling1D", "g", {}, []))).toBe("drop");
    expect(layerKinds.takesInitialState("Bidirectional")).toBe(true);
    expect(layerKinds.takesInitialState("Dense")).toBe(false);
  });

  it("normalise old configs by their own rules (GRU reset_after default of Keras 2)", () => {
    const config: Record<string, unknown> = { units: 3 };
    const notes: string[] = [];
    layerKinds.normalizeConfig("GRU", "g", config, { raw: "2.2.4", major: 2, minor: 2 }, notes);
    expect(config).toMatchObject({ reset_after: false, recurrent_activation: "hard_sigmoid" });
    expect(notes).toEqual(['GRU "g": no reset_after in the config; Keras 2.2.4 meant reset_after=false']);
  });
});

describe("passes", () => {
  const model = (): Model => modelFromConfig(sequential([4], [["Dense", { name: "d", units: 2 }]]), {
    d: [{ shape: [4, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { shape: [2], data: [0, 0] }],
  });

  it("verify the IR after each named pass and name the pass that broke it", () => {
    const dropsCalls: Pass = { name: "drop-everything", run: (m) => ({ ...m, calls: [] }) };
    expect(() => runPasses(model(), [dropsCalls])).toThrow('the IR is inconsistent after pass "drop-everything": model output "d" is never computed');
    const reorders: Pass = { name: "reverse", run: (m) => ({ ...m, calls: [...m.calls, ...m.calls] }) };
    expect(() => runPasses(model(), [reorders])).toThrow(/after pass "reverse": value \d+ is computed twice/);
    expect(runPasses(model()).calls).toHaveLength(1);
  });
});

describe("module layering", () => {
  it("has no load → ir import (the IR is built from what the loaders read, never the reverse)", () => {
    const dir = join(ROOT, "generator", "load");
    const offenders = readdirSync(dir).filter((f) => /from "\.\.\/(ir|emit|passes)\//.test(readFileSync(join(dir, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
