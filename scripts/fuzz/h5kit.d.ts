// Types for h5kit.js, for the TypeScript tests that reuse it.
export declare const DROP: unique symbol;
export interface H5Edits {
  skip?: (path: string) => boolean;
  dataset?: (path: string, d: { data: unknown; shape: number[]; dtype: unknown }) => { data: unknown; shape: number[]; dtype?: unknown } | undefined;
  attr?: (path: string, name: string, value: unknown) => unknown;
  extra?: { path: string; data?: unknown; shape?: number[]; dtype?: string; hugeShape?: number[]; compression?: number; chunks?: number[] }[];
  externalLinks?: { path: string; file: string; target: string }[];
  extraAttrs?: { path: string; name: string; value: unknown }[];
  rename?: (path: string) => string;
  groups?: string[];
  hardLinks?: { path: string; target: string }[];
}
export declare function h5fs(): Promise<unknown>;
export declare function editH5(bytes: Uint8Array, edits?: H5Edits): Promise<Uint8Array>;
export declare function withH5<T>(bytes: Uint8Array, f: (file: any) => T): Promise<T>;
export declare function datasetPaths(bytes: Uint8Array): Promise<{ path: string; shape: number[] }[]>;
