/** What the main thread needs to know about HDF5 without loading the HDF5 library (h5wasm). */

export const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Datasets larger than this many elements are refused before they are read. */
export const DEFAULT_MAX_DATASET_ELEMENTS = 256 * 1024 * 1024;

export function isHdf5(bytes: Uint8Array): boolean {
  return HDF5_MAGIC.every((b, i) => bytes[i] === b);
}
