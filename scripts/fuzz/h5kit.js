// Rewrites an HDF5 file through h5wasm with edits: drop, replace or add datasets and attributes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dataset, File, Group, Module, ready } from "h5wasm/node";

let counter = 0;
let fsPromise;
let scratch;

/**
 * A host path HDF5 may open: h5wasm reaches the real file system, and keras2ts confines it to the
 * paths registered under this symbol (generator/load/h5-sandbox.ts).
 */
function scratchPath(name) {
  scratch ??= mkdtempSync(join(tmpdir(), "keras2ts-fuzz-"));
  const path = join(scratch, name);
  (globalThis[Symbol.for("keras2ts.hdf5.openable")] ??= new Set()).add(path);
  return path;
}

function release(path) {
  globalThis[Symbol.for("keras2ts.hdf5.openable")]?.delete(path);
  rmSync(path, { force: true });
}

process.on("exit", () => scratch && rmSync(scratch, { recursive: true, force: true }));

/** h5wasm's in-memory file system, with HDF5's diagnostic printing (to fd 2) sent to /dev/null. */
export async function h5fs() {
  fsPromise ??= ready.then(({ FS }) => {
    const stream = FS.getStream(2);
    if (stream && stream.path === "/dev/stderr") {
      FS.close(stream);
      FS.open("/dev/null", 1);
    }
    return FS;
  });
  return fsPromise;
}

/**
 * A copy of `bytes` with edits applied:
 * - `skip(path)`: leave out a group or dataset;
 * - `dataset(path, {data, shape, dtype})`: return a replacement or undefined to keep it;
 * - `attr(path, name, value)`: return a replacement value, `DROP` to leave it out, undefined to keep it;
 * - `extra`: datasets to add, `{path, data, shape, dtype?, hugeShape?}` (hugeShape: resized chunked, no data);
 * - `extraAttrs`: attributes to add, `{path, name, value}`;
 * - `rename(path)`: where a group or dataset goes in the copy (default: the same path);
 * - `externalLinks`: `{path, file, target}` links to objects in other files;
 * - `extra` entries may also carry `compression` (gzip level) and `chunks`;
 * - `groups`: empty groups to add (created in order), then `hardLinks`: `{path, target}` (cycles allowed).
 */
export async function editH5(bytes, edits = {}) {
  await h5fs();
  const n = ++counter;
  const src = scratchPath(`src-${n}.h5`);
  const dst = scratchPath(`dst-${n}.h5`);
  writeFileSync(src, bytes);
  const from = new File(src, "r");
  const to = new File(dst, "w");
  try {
    copyGroup(from, to, "", edits);
    for (const e of edits.extra ?? []) addDataset(to, e);
    for (const a of edits.extraAttrs ?? []) (a.path ? to.get(a.path) : to).create_attribute(a.name, a.value);
    for (const l of edits.externalLinks ?? []) to.create_external_link(l.file, l.target, l.path);
    for (const g of edits.groups ?? []) to.create_group(g);
    for (const l of edits.hardLinks ?? []) Module.create_hard_link(to.file_id, l.target, l.path);
  } finally {
    from.close();
    to.close();
  }
  const out = new Uint8Array(readFileSync(dst));
  release(src);
  release(dst);
  return out;
}

/** Runs `f` on a read-only h5wasm File of `bytes`. */
export async function withH5(bytes, f) {
  await h5fs();
  const path = scratchPath(`read-${++counter}.h5`);
  writeFileSync(path, bytes);
  const file = new File(path, "r");
  try {
    return f(file);
  } finally {
    file.close();
    release(path);
  }
}

export const DROP = Symbol("drop");

function copyAttrs(fromNode, toNode, path, edits) {
  for (const [name, attribute] of Object.entries(fromNode.attrs)) {
    let value = attribute.value;
    const edited = edits.attr?.(path, name, value);
    if (edited === DROP) continue;
    if (edited !== undefined) value = edited;
    if (ArrayBuffer.isView(value) && value.length === 0) toNode.create_attribute(name, value, [0], attribute.dtype);
    else toNode.create_attribute(name, value);
  }
}

const destination = (path, edits) => (edits.rename ? edits.rename(path) : path);

function copyGroup(from, to, path, edits) {
  const node = path === "" ? from : from.get(path);
  const target = path === "" ? to : to.create_group(destination(path, edits));
  copyAttrs(node, target, path, edits);
  for (const key of node.keys()) {
    const child = path === "" ? key : `${path}/${key}`;
    if (edits.skip?.(child)) continue;
    const entity = from.get(child);
    if (entity instanceof Group) copyGroup(from, to, child, edits);
    else if (entity instanceof Dataset) copyDataset(entity, to, child, edits);
  }
}

function copyDataset(ds, to, path, edits) {
  const original = { data: ds.value, shape: ds.shape ?? [], dtype: ds.dtype };
  const next = edits.dataset?.(path, original) ?? original;
  const target = destination(path, edits);
  addDataset(to, { ...next, path: target });
  copyAttrs(ds, to.get(target), path, edits);
}

function addDataset(to, { path, data, shape, dtype, hugeShape, compression, chunks }) {
  if (hugeShape) {
    const ds = to.create_dataset({ name: path, data: new Float32Array(1), shape: hugeShape.map(() => 1), maxshape: hugeShape.map(() => null), chunks: hugeShape.map(() => 1), dtype: "<f" });
    ds.resize(hugeShape);
    return;
  }
  to.create_dataset({ name: path, data, shape, ...(dtype && typeof dtype === "string" ? { dtype } : {}), ...(compression ? { compression } : {}), ...(chunks ? { chunks, ...(chunks.some((c, i) => c > shape[i]) ? { maxshape: shape.map(() => null) } : {}) } : {}) });
}

/** All dataset paths of a file, for picking mutation targets. */
export async function datasetPaths(bytes) {
  return withH5(bytes, (f) => {
    const out = [];
    const walk = (path) => {
      const node = path === "" ? f : f.get(path);
      for (const key of node.keys()) {
        const child = path === "" ? key : `${path}/${key}`;
        const e = f.get(child);
        if (e instanceof Group) walk(child);
        else if (e instanceof Dataset) out.push({ path: child, shape: e.shape ?? [] });
      }
    };
    walk("");
    return out;
  });
}
