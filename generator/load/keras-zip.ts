/** Reads the three entries of a Keras 3 `.keras` zip, refusing zip bombs before inflating. */
import { unzipSync, type UnzipFileInfo } from "fflate";
import { KerasError } from "../errors.js";

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
export const DEFAULT_MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024;

const WANTED = new Set(["config.json", "metadata.json", "model.weights.h5"]);

export function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

export interface KerasZip {
  readonly config: string;
  readonly metadata: string | undefined;
  readonly weights: Uint8Array;
}

export function readKerasZip(bytes: Uint8Array, maxBytes = DEFAULT_MAX_UNZIPPED_BYTES): KerasZip {
  let declared = 0;
  const keep = (file: UnzipFileInfo): boolean => {
    // Only the three known entries are ever inflated; other names (including "../x") are ignored.
    if (!WANTED.has(file.name)) return false;
    declared += file.originalSize;
    if (declared > maxBytes) {
      throw new KerasError(`zip entries declare ${declared} bytes uncompressed, over the limit of ${maxBytes} (raise it with --max-unzipped-bytes)`);
    }
    return true;
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: keep });
  } catch (err) {
    if (err instanceof KerasError) throw err;
    throw new KerasError(`not a readable .keras zip (${err instanceof Error ? err.message : String(err)})`);
  }
  const config = entries["config.json"];
  const weights = entries["model.weights.h5"];
  if (!config) throw new KerasError(".keras zip has no config.json");
  if (!weights) throw new KerasError(".keras zip has no model.weights.h5");
  const metadata = entries["metadata.json"];
  const text = new TextDecoder();
  return { config: text.decode(config), metadata: metadata && text.decode(metadata), weights };
}
