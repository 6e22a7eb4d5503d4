import type { LoadProgress } from '../ingest/load-csv';

const BAR_WIDTH = 28;

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * Progress for a terminal: one line redrawn in place (bytes, rows, rows/s,
 * ETA). Elsewhere (CI logs, pipes) a plain line every few seconds, since
 * carriage returns make a mess of a log file.
 */
export function createProgressReporter(
  out: NodeJS.WritableStream,
  isTTY: boolean,
  plainEverySeconds = 5,
): { update(p: LoadProgress): void; done(): void } {
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p) {
      const rate = p.elapsedSeconds > 0 ? p.rowsRead / p.elapsedSeconds : 0;
      const fraction = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : null;
      const eta = fraction && fraction > 0 ? (p.elapsedSeconds * (1 - fraction)) / fraction : NaN;
      const sizes = p.totalBytes ? `${mib(p.bytesRead)}/${mib(p.totalBytes)} MiB` : `${mib(p.bytesRead)} MiB`;
      const text = `${sizes}  ${formatCount(p.rowsRead)} rows  ${formatCount(rate)} rows/s  ETA ${duration(eta)}`;
      if (isTTY) {
        const filled = fraction === null ? 0 : Math.round(fraction * BAR_WIDTH);
        const bar =
          fraction === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  `;
        out.write(`\r${bar}${text}\x1b[K`);
        drawn = true;
      } else if (p.elapsedSeconds - lastPlain >= plainEverySeconds) {
        lastPlain = p.elapsedSeconds;
        out.write(`progress: ${text}\n`);
      }
    },
    done() {
      if (drawn) out.write('\n');
    },
  };
}
