/** What the CLI tells a person besides errors: a progress line on a terminal, a one-line summary. */

/** A stage line redrawn in place on stderr, only when stderr is a terminal (never in logs or pipes). */
export interface ProgressLine {
  show(stage: string, fraction?: number): void;
  /** Erases the line (before the summary or an error is printed). */
  clear(): void;
}

const REDRAW_MS = 100;

export function progressLine(stream: NodeJS.WriteStream, enabled: boolean): ProgressLine {
  if (!enabled || !stream.isTTY) return { show() {}, clear() {} };
  let shown = "";
  let lastStage = "";
  let lastDraw = 0;
  return {
    show(stage, fraction) {
      const now = performance.now();
      // A new stage is drawn at once; percentages of the same stage at most every REDRAW_MS.
      if (stage === lastStage && now - lastDraw < REDRAW_MS) return;
      lastStage = stage;
      lastDraw = now;
      shown = `keras2ts: ${stage}${fraction === undefined ? "…" : ` ${Math.floor(fraction * 100)}%`}`;
      stream.write(`\r${shown}\x1b[K`);
    },
    clear() {
      if (shown !== "") stream.write("\r\x1b[K");
      shown = "";
    },
  };
}

/** "wrote out/model.ts (302.1 KB) and out/keras2ts-runtime.ts (25.8 KB): 2,708 parameters in 0.42 s" */
export function summaryLine(verb: string, files: readonly { path: string; bytes: number }[], parameters: number, ms: number): string {
  const list = files.map((f) => `${f.path} (${byteSize(f.bytes)})`);
  const joined = list.length <= 1 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
  return `${verb} ${joined}: ${parameters.toLocaleString("en-US")} parameters in ${duration(ms)}`;
}

export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
