/**
 * h5wasm's Node build gives HDF5 the host file system directly (Emscripten NODERAWFS): a model file
 * holding an external link, a virtual dataset or external raw storage could make HDF5 read any file
 * on the machine into "weights", and so into the generated code. Here HDF5 may open only the files
 * keras2ts staged for it (each in a private temporary folder) and /dev/null; anything else fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ready } from "h5wasm/node";
import { KerasError } from "../errors.js";

interface EmscriptenFS {
  open(path: unknown, flags: unknown, mode?: unknown): unknown;
  getStream(fd: number): { path?: string } | null;
  close(stream: unknown): void;
  ErrnoError: new (errno: number) => Error;
}

/** Shared by every copy of this module (and test helpers): the exact paths HDF5 may open. */
const OPENABLE_KEY = Symbol.for("keras2ts.hdf5.openable");
const EACCES = 2; // WASI numbering, as Emscripten uses

export function openablePaths(): Set<string> {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  return (g[OPENABLE_KEY] ??= new Set<string>());
}

let prepared: Promise<void> | undefined;

/** Waits for h5wasm and, once per process, confines it and silences HDF5's own error printing. */
export function prepareHdf5(): Promise<void> {
  prepared ??= ready.then(({ FS }) => {
    const fs = FS as unknown as EmscriptenFS;
    silenceDiagnostics(fs);
    confine(fs);
  });
  return prepared;
}

function confine(fs: EmscriptenFS): void {
  const open = fs.open.bind(fs);
  const allowed = openablePaths();
  fs.open = (path, flags, mode) => {
    if (typeof path !== "string" || (path !== "/dev/null" && !allowed.has(resolve(path)))) throw new fs.ErrnoError(EACCES);
    return open(path, flags, mode);
  };
}

/** HDF5 prints its error stack to C stderr; send that to /dev/null so a user sees only our one line. */
function silenceDiagnostics(fs: EmscriptenFS): void {
  const stderr = fs.getStream(2);
  if (stderr?.path !== "/dev/stderr") return;
  fs.close(stderr);
  fs.open("/dev/null", 1); // takes the lowest free descriptor: 2
}

/** Writes bytes where only HDF5 (and this process) may open them; `remove()` deletes them. */
export function stageFile(bytes: Uint8Array): { path: string; remove(): void } {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), "keras2ts-")); // mode 0700
    writeFileSync(join(dir, "model.h5"), bytes, { mode: 0o600 });
  } catch (err) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw new KerasError(`cannot stage the HDF5 data in ${tmpdir()} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const path = join(dir, "model.h5");
  const allowed = openablePaths();
  allowed.add(path);
  return {
    path,
    remove() {
      allowed.delete(path);
      rmSync(dir!, { recursive: true, force: true });
    },
  };
}
