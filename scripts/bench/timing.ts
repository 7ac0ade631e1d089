/** Latency measurement shared by the bench scripts: wall-clock windows (CPU time would count tfjs' helper threads). */

/** Median µs per call over `windows` windows filling `windowMs`, after a warm-up of half that. */
export function timePerCall(fn: () => unknown, windowMs: number, windows = 5): number {
  const warmUntil = performance.now() + windowMs / 2;
  let calls = 0;
  while (performance.now() < warmUntil || calls < 5) (fn(), calls++);
  const perWindow = Math.max(1, Math.round((calls / (windowMs / 2)) * (windowMs / 5)));
  const samples: number[] = [];
  for (let w = 0; w < windows; w++) {
    const t = performance.now();
    for (let i = 0; i < perWindow; i++) fn();
    samples.push(((performance.now() - t) * 1000) / perWindow);
  }
  return samples.sort((a, b) => a - b)[Math.floor(windows / 2)]!;
}

/** µs as "12.3 µs" or "1.23 ms". */
export const formatMicros = (us: number): string => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
