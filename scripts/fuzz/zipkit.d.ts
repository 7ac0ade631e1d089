// Types for zipkit.js, for the TypeScript tests that reuse it.
export interface ZipEntrySpec {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  declaredSize?: number;
  crc?: number;
  compressed?: Uint8Array;
}
export declare function readZip(bytes: Uint8Array): { name: string; data: Uint8Array }[];
export declare function writeZip(entries: ZipEntrySpec[]): Uint8Array;
export declare function crc32(data: Uint8Array): number;
export declare function concat(parts: Uint8Array[]): Uint8Array;
