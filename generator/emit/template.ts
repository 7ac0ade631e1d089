/** Renders the module skeleton template; all loops over weights and timesteps happen in code, not here. */
import Handlebars from "handlebars";
import { readFileSync } from "node:fs";
import { packagePath } from "../paths.js";

export interface ModuleSlots {
  readonly sourceName: string;
  readonly kerasVersion: string;
  readonly modelName: string;
  readonly inputSummary: string;
  readonly outputSummary: string;
  /** Comment lines after the model line (module format, test vectors), each ending in a newline; or "". */
  readonly headerNotes: string;
  /** A header comment line about the weight encoding (ending in a newline), or "". */
  readonly weightsNote: string;
  readonly runtimeImport: string;
  readonly inputEntries: string;
  readonly outputEntries: string;
  /** Module-level declarations (custom layers), each line ending in a newline, then a blank line; or "". */
  readonly declarations: string;
  readonly returnType: string;
  /** `predict`'s typed parameters, one per model input: "seq: ArrayLike<number>, vec: ArrayLike<number>". */
  readonly predictParams: string;
  readonly stateful: boolean;
  readonly sessionBody: string;
  readonly runtimeInline: string;
}

let compiled: HandlebarsTemplateDelegate<ModuleSlots> | undefined;

export function renderModule(slots: ModuleSlots): string {
  compiled ??= Handlebars.compile<ModuleSlots>(readFileSync(packagePath("templates/module.ts.hbs"), "utf8"), {
    noEscape: true,
    strict: true,
  });
  return compiled(slots);
}
