/** A one-line progress display on stderr, only when stderr is a terminal (never pollutes --json). */
export function terminalProgress(label: string): {
  update(fraction: number, message: string): void;
  done(): void;
} {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let last = 0;
  return {
    update(fraction, message) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const elapsed = (now - started) / 1000;
      const eta =
        fraction > 0.05 ? ` · ETA ${Math.max(0, (elapsed * (1 - fraction)) / fraction).toFixed(1)} s` : '';
      process.stderr.write(
        `\r\x1b[2K${label} ${(100 * fraction).toFixed(0).padStart(3)}% · ${message}${eta}`,
      );
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}
