import type { KerasVersion } from "./types.js";

/** Parses "2.2.4-tf", "3.15.1", "1.0.8" into a version; unknown text counts as Keras 3. */
export function parseKerasVersion(raw: string | undefined, fallback = "3"): KerasVersion {
  const text = raw && /^\d/.test(raw) ? raw : fallback;
  const [major, minor] = text.split(/[.\-+]/).map((p) => Number.parseInt(p, 10));
  return { raw: text, major: Number.isFinite(major) ? major! : 3, minor: Number.isFinite(minor) ? minor! : 0 };
}
