/** The runtime's declaration names come from a line scan (no ts-morph at start-up): the same as a real parse. */
import { describe, expect, it } from "vitest";
import { runtimeDeclarationNames, runtimeExportNames } from "../generator/emit/runtime-source.js";

describe("runtimeExportNames", () => {
  it("lists exactly the top-level declarations ts-morph finds, in order", () => {
    const names = runtimeExportNames();
    expect(names).toEqual(runtimeDeclarationNames());
    expect(names).toEqual(expect.arrayContaining(["dense", "setKernels", "wasmKernels", "KernelChoice", "WasmApi", "WebAssembly"]));
  });
});
