/**
 * Progress of a seed import on a stream (stderr): count, rate and ETA. On a terminal one line
 * rewritten in place; in a pipe or a CI log a line every 2 seconds (the first at once) and the last.
 */
import type { SeedProgress } from './load.ts';

const duration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

/** `12000/100000 organizations (12.0%), 1234 orgs/s, ETA 1m 03s (tenant demo)`: counts of the whole file. */
export function describeProgress(p: SeedProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? p.organizationsDone / (elapsedMs / 1000) : 0;
  const share = p.organizationsTotal > 0 ? (100 * p.organizationsDone) / p.organizationsTotal : 100;
  const eta = rate > 0 ? (p.organizationsTotal - p.organizationsDone) / rate : Infinity;
  return `${p.organizationsDone}/${p.organizationsTotal} organizations (${share.toFixed(1)}%), ${rate.toFixed(0)} orgs/s, ETA ${p.organizationsDone >= p.organizationsTotal ? '0s' : duration(eta)} (tenant ${p.tenantId})`;
}

export interface ProgressPrinter {
  (progress: SeedProgress): void;
  /** A line of the first pass (lines checked so far). */
  checking(lines: number): void;
  /** Ends the live line (terminal). */
  done(): void;
}

/** `ORGBRIDGE_PROGRESS_INTERVAL_MS` sets the pipe's interval (0: a line per batch). */
export function progressPrinter(
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs = Number(process.env.ORGBRIDGE_PROGRESS_INTERVAL_MS ?? 2000),
): ProgressPrinter {
  const tty = stream.isTTY === true;
  let started: number | undefined;
  let last = -Infinity;
  let live = false;
  let printed = false;
  const write = (text: string, force: boolean) => {
    const now = performance.now();
    if (!force && now - last < (tty ? 200 : intervalMs)) return;
    last = now;
    if (tty) {
      stream.write(`\r${text}\x1b[K`);
      live = true;
    } else stream.write(`${text}\n`);
  };
  const printer = ((p: SeedProgress) => {
    // The loaders report 0 done when writing starts: the rate counts from there.
    started ??= performance.now();
    const final = p.organizationsDone >= p.organizationsTotal;
    write(describeProgress(p, performance.now() - started), final || !printed);
    printed = true;
  }) as ProgressPrinter;
  printer.checking = (lines) => write(`checking: ${lines} lines`, false);
  printer.done = () => {
    if (live) stream.write('\n');
    live = false;
  };
  return printer;
}
