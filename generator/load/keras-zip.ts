/**
 * Reads the three entries of a Keras 3 `.keras` zip. Only those exact names are ever looked at; every
 * other entry (including "../x" or "/etc/x") is neither inflated nor used as a path. Sizes are
 * checked before anything is inflated, inflation stops at the declared size, and checksums are verified.
 */
import { Inflate } from "fflate";
import { KerasError } from "../errors.js";
import { checkJsonSize, decodeJsonBytes } from "./json-text.js";
import { crc32 } from "./crc32.js";
import { entryData, readCentralDirectory, type ZipEntry } from "./zip-directory.js";

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
export const DEFAULT_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024;

const WANTED = ["config.json", "metadata.json", "model.weights.h5"] as const;
type Wanted = (typeof WANTED)[number];

/** Deflate cannot expand data by more than 1032:1; a header claiming more is lying. */
const MAX_DEFLATE_RATIO = 1032;
const INFLATE_CHUNK = 16 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

export interface KerasZip {
  readonly config: string;
  readonly metadata: string | undefined;
  readonly weights: Uint8Array;
}

export function readKerasZip(bytes: Uint8Array, maxBytes = DEFAULT_MAX_UNZIPPED_BYTES): KerasZip {
  const entries = wantedEntries(readCentralDirectory(bytes), maxBytes);
  const read = (name: Wanted) => {
    const entry = entries.get(name);
    return entry && extract(bytes, entry);
  };
  const config = read("config.json");
  if (!config) throw new KerasError(".keras zip has no config.json");
  const weights = read("model.weights.h5");
  if (!weights) throw new KerasError(".keras zip has no model.weights.h5");
  const metadata = read("metadata.json");
  return { config: decodeJsonBytes(config, "config.json"), metadata: metadata && decodeJsonBytes(metadata, "metadata.json"), weights };
}

/** The known entries, refusing duplicates, unsupported methods and sizes over the limit or impossible. */
function wantedEntries(all: ZipEntry[], maxBytes: number): Map<Wanted, ZipEntry> {
  const found = new Map<Wanted, ZipEntry>();
  let declared = 0;
  for (const entry of all) {
    const name = WANTED.find((w) => w === entry.name);
    if (!name) continue;
    if (found.has(name)) throw new KerasError(`.keras zip holds two entries named ${name}`);
    if (entry.encrypted) throw new KerasError(`.keras zip entry ${name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw new KerasError(`.keras zip entry ${name} uses unsupported compression method ${entry.method}`);
    const possible = entry.method === 0 ? entry.size === entry.compressedSize : entry.size <= entry.compressedSize * MAX_DEFLATE_RATIO + 64;
    if (!possible) throw new KerasError(`.keras zip entry ${name} declares ${entry.size} bytes from ${entry.compressedSize} stored bytes, which is impossible (corrupt or forged header)`);
    if (name !== "model.weights.h5") checkJsonSize(entry.size, name); // before inflating: V8 strings stop at ~512 MiB
    declared += entry.size;
    // Negated: a NaN limit refuses instead of allowing everything.
    if (!(declared <= maxBytes)) {
      throw new KerasError(`zip entries declare ${declared} bytes uncompressed, over the limit of ${maxBytes} (raise it with --max-unzipped-bytes)`);
    }
    found.set(name, entry);
  }
  return found;
}

/** An entry's content: exactly its declared size, matching its checksum. */
function extract(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = entryData(bytes, entry);
  const content = entry.method === 0 ? data : inflateExactly(data, entry);
  if (crc32(content) !== entry.crc) throw new KerasError(`.keras zip entry ${entry.name} is corrupt (checksum mismatch)`);
  return content;
}

/** Inflates into a buffer of the declared size, stopping as soon as the stream would exceed it. */
function inflateExactly(data: Uint8Array, entry: ZipEntry): Uint8Array {
  const out = new Uint8Array(entry.size);
  let length = 0;
  const overflow = () => new KerasError(`.keras zip entry ${entry.name} inflates to more than the ${entry.size} bytes its header declares`);
  const inflater = new Inflate((chunk) => {
    if (length + chunk.length > out.length) throw overflow();
    out.set(chunk, length);
    length += chunk.length;
  });
  try {
    for (let at = 0; at < data.length || at === 0; at += INFLATE_CHUNK) {
      inflater.push(data.subarray(at, at + INFLATE_CHUNK), at + INFLATE_CHUNK >= data.length);
    }
  } catch (err) {
    if (err instanceof KerasError) throw err;
    throw new KerasError(`.keras zip entry ${entry.name} is corrupt (${err instanceof Error ? err.message : String(err)})`);
  }
  if (length !== entry.size) throw new KerasError(`.keras zip entry ${entry.name} inflates to ${length} bytes, not the ${entry.size} its header declares`);
  return out;
}
