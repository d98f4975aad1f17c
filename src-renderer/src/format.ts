/** How numbers read in the workbench's tables and panels. */

/** 0.9731 → "97.31 %"; null → "—". */
export function percent(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)} %`;
}

/** A loss or other plain value with 4 significant digits; null → "—". */
export function value(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(4);
}

/** Seconds left → "45 s", "3 min 05 s", "2 h 10 min"; null → "—". */
export function eta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** [784, 64, 10] → "784-64-10". */
export function arch(widths: readonly number[]): string {
  return widths.length ? widths.join('-') : '?';
}

/** A fractional epoch, e.g. 1.53. */
export function epoch(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
