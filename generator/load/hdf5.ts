/**
 * A small read-only view of an HDF5 file, on top of h5wasm's in-memory build: the file lives in
 * Emscripten's MEMFS, so HDF5 can open nothing of the host (external links, external storage and
 * virtual datasets find no files) and nothing is staged on disk. Runs in the HDF5 worker (h5-host.ts).
 */
import { File as WasmFile, Group, Dataset, ready } from "h5wasm";
import { KerasError } from "../errors.js";
import { readNumeric } from "./h5-read.js";
import { DEFAULT_MAX_DATASET_ELEMENTS } from "./h5-format.js";

/**
 * HDF5 lookups (members, kinds, attributes, datasets) one file may cost. Hard links can make a
 * small file a cycle or a DAG with exponentially many paths; a real model needs a few per layer.
 */
export const MAX_HDF5_VISITS = 200_000;

/** The one path the file gets in the worker's in-memory file system. */
const MEMFS_PATH = "/model.h5";

/**
 * Runs an h5wasm call on a possibly corrupt file: its exceptions (and WebAssembly traps) mean the
 * file is broken, so they become one clear error instead of an internal one.
 */
/**
 * h5py writes Keras' `layer_names`/`weight_names` as fixed-length byte strings (HDF5 charset
 * "ASCII") holding UTF-8, and Keras decodes them as UTF-8. h5wasm decodes such strings with
 * TextDecoder("ascii"), which is windows-1252: "日本" would become "æ—¥æœ¬" and never match the
 * config's names. windows-1252 maps each byte to one character, so the bytes are recovered exactly
 * and decoded as UTF-8, as Keras does.
 */
function asUtf8(value: unknown, meta: { type: number; vlen: boolean; cset?: number }): unknown {
  if (meta.type !== 3 || meta.vlen || meta.cset !== 0) return value; // 3: string class
  const recode = (v: unknown) => (typeof v === "string" && /[^\x00-\x7f]/.test(v) ? utf8FromWindows1252(v) : v);
  return Array.isArray(value) ? value.map(recode) : recode(value);
}

/** windows-1252 characters of bytes 0x80-0x9f (WHATWG: the five unassigned bytes map to U+0081 etc.). */
const CP1252_HIGH = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function utf8FromWindows1252(text: string): string {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const high = CP1252_HIGH.indexOf(text[i]!);
    bytes[i] = high >= 0 ? 0x80 + high : c <= 0xff ? c : 0x3f;
  }
  return new TextDecoder().decode(bytes);
}

let libraryBroken = false;

/** True once the library aborted or trapped: its state can no longer be trusted for another file. */
export function hdf5Broken(): boolean {
  return libraryBroken;
}

function guarded<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof KerasError) throw err;
    if (err instanceof WebAssembly.RuntimeError) libraryBroken = true; // an abort or trap: no further reads
    const detail = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 120);
    throw new KerasError(`corrupt HDF5 file: cannot read ${what} (${detail})`);
  }
}

export interface H5Node {
  readonly kind: "group" | "dataset";
  readonly path: string;
}

export class H5File {
  private valuesRead = 0;
  private visits = 0;

  private constructor(
    private readonly file: WasmFile,
    private readonly maxElements: number,
  ) {}

  /** Opens bytes as HDF5; the caller must `close()` it. */
  static async open(bytes: Uint8Array, maxElements = DEFAULT_MAX_DATASET_ELEMENTS): Promise<H5File> {
    const { FS } = await prepareHdf5();
    FS.writeFile(MEMFS_PATH, bytes);
    try {
      const file = new WasmFile(MEMFS_PATH, "r");
      if (!file.file_id || Number(file.file_id) < 0) throw new Error("not an HDF5 file");
      return new H5File(file, maxElements);
    } catch {
      FS.unlink(MEMFS_PATH);
      throw new KerasError("not a readable HDF5 file (corrupt or truncated)");
    }
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      // A read-only in-memory file has nothing to flush; a failing close must not hide the real error.
    }
    try {
      memfs?.unlink(MEMFS_PATH); // the worker may read another file next
    } catch {
      // already gone
    }
  }

  /** Counts one lookup against MAX_HDF5_VISITS. */
  private visit(): void {
    if (++this.visits > MAX_HDF5_VISITS) {
      throw new KerasError(`the HDF5 file needs more than ${MAX_HDF5_VISITS} lookups (hard-link cycles or a link graph with too many paths)`);
    }
  }

  /** A string attribute of the root (path "") or of a group; undefined when absent. */
  attr(path: string, name: string): unknown {
    this.visit();
    return guarded(`attribute "${name}" of "${path || "/"}"`, () => {
      const node = path === "" ? this.file : this.file.get(path);
      if (!node || !("attrs" in node)) return undefined;
      const attrs = (node as Group).attrs;
      if (!Object.hasOwn(attrs, name)) return undefined;
      const attribute = attrs[name]!;
      return asUtf8(attribute.value, attribute.metadata);
    });
  }

  /** A string attribute, decoded whether stored as bytes or text. */
  stringAttr(path: string, name: string): string | undefined {
    const value = this.attr(path, name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
    return String(value);
  }

  /** A list-of-strings attribute (e.g. `weight_names`), empty when absent. */
  stringListAttr(path: string, name: string): string[] {
    const value = this.attr(path, name);
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<unknown>) : [value];
    return list.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
  }

  kind(path: string): "group" | "dataset" | undefined {
    this.visit();
    const node = guarded(`"${path}"`, () => this.file.get(path));
    if (node instanceof Dataset) return "dataset";
    if (node instanceof Group) return "group";
    return undefined;
  }

  /** Child names of a group, in the file's (alphabetical) order. */
  keys(path: string): string[] {
    this.visit();
    return guarded(`the members of "${path || "/"}"`, () => {
      const node = path === "" ? this.file : this.file.get(path);
      return node instanceof Group ? node.keys() : [];
    });
  }

  /** Reads a numeric dataset as float32, refusing absurd sizes before reading. */
  readFloat32(path: string): { shape: number[]; data: Float32Array } {
    this.visit();
    const node = guarded(`"${path}"`, () => this.file.get(path));
    if (!(node instanceof Dataset)) throw new KerasError(`weight "${path}" is missing`);
    const shape = guarded(`the shape of "${path}"`, () => (node.shape ?? []).map(Number));
    const count = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new KerasError(`weight "${path}" has an impossible shape [${shape.join(", ")}]`);
    // Negated: a NaN limit refuses instead of allowing everything.
    if (!(count <= this.maxElements)) {
      throw new KerasError(`weight "${path}" has shape [${shape.join(", ")}] = ${count} values, over the limit of ${this.maxElements} (raise it with --max-weights)`);
    }
    // Only integer (0) and float (1) classes: strings or compounds would be read in full for nothing.
    const meta = guarded(`the type of "${path}"`, () => node.metadata);
    // HDF5 allocates whole chunks to read a chunked dataset: a tiny dataset may declare a huge chunk.
    const chunk = (meta.chunks ?? []).map(Number).reduce((a, b) => a * b, 1);
    if (!(chunk <= this.maxElements)) {
      throw new KerasError(`weight "${path}" is stored in chunks of ${chunk} values, over the limit of ${this.maxElements} (raise it with --max-weights)`);
    }
    // Compressed datasets make a small file hold any amount: the budget covers the whole file too.
    this.valuesRead += Math.max(count, chunk);
    if (!(this.valuesRead <= this.maxElements)) {
      throw new KerasError(`the weights hold more than ${this.maxElements} values in total (raise the limit with --max-weights)`);
    }
    if (meta.type !== 0 && meta.type !== 1) throw new KerasError(`weight "${path}" is not numeric (HDF5 type class ${meta.type})`);
    if (meta.virtual_sources) throw new KerasError(`weight "${path}" is a virtual dataset made of other files; only data inside the model file is read`);
    const data = guarded(`the data of "${path}"`, () => readNumeric(this.file.file_id, path, meta, count));
    return { shape, data };
  }
}

let prepared: Promise<{ FS: EmscriptenFS }> | undefined;
let memfs: EmscriptenFS | undefined;

interface EmscriptenFS {
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
  getStream(fd: number): { path?: string } | null;
  open(path: string, flags: number): unknown;
  close(stream: unknown): void;
}

/** Waits for h5wasm and, once, sends HDF5's own error printing (C stderr) to /dev/null. */
export function prepareHdf5(): Promise<{ FS: EmscriptenFS }> {
  prepared ??= ready.then((module) => {
    const FS = module.FS as unknown as EmscriptenFS;
    memfs = FS;
    const stderr = FS.getStream(2);
    if (stderr?.path === "/dev/stderr") {
      FS.close(stderr);
      FS.open("/dev/null", 1); // takes the lowest free descriptor: 2
    }
    return { FS };
  });
  return prepared;
}
