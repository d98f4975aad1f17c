/** A one-line progress display on stderr, only when stderr is a terminal (never pollutes --json). */
export function terminalProgress(label: string): {
  /** `eta` (seconds) overrides the estimate from the elapsed time, e.g. for a resumed run. */
  update(fraction: number, message: string, eta?: number | null): void;
  done(): void;
} {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let last = 0;
  return {
    update(fraction, message, etaSeconds) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const elapsed = (now - started) / 1000;
      const seconds =
        etaSeconds !== undefined
          ? etaSeconds
          : fraction > 0.05
            ? (elapsed * (1 - fraction)) / fraction
            : null;
      const eta = seconds !== null ? ` · ETA ${formatSeconds(Math.max(0, seconds))}` : '';
      process.stderr.write(
        `\r\x1b[2K${label} ${(100 * fraction).toFixed(0).padStart(3)}% · ${message}${eta}`,
      );
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
