/**
 * Browser stand-in for generator/load/h5-sandbox.ts: h5wasm's browser build has only its own
 * in-memory file system (no host files to confine), so staging a file is writing it there.
 */
import { ready } from "h5wasm";

interface MemFS {
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
}

let fs: MemFS | undefined;
let counter = 0;

export function openablePaths(): Set<string> {
  return new Set<string>();
}

export async function prepareHdf5(): Promise<void> {
  const module = (await ready) as unknown as { FS: MemFS };
  fs ??= module.FS;
}

export function stageFile(bytes: Uint8Array): { path: string; remove(): void } {
  if (!fs) throw new Error("keras2ts: HDF5 is not ready");
  const memfs = fs;
  const path = `/keras2ts-${++counter}.h5`;
  memfs.writeFile(path, bytes);
  return { path, remove: () => memfs.unlink(path) };
}
