/**
 * The charts on screen, for the actions that are not a chart's own button: the "export figure"
 * shortcut and menu command export the chart in focus, else the first one in the page. Each
 * ChartPanel registers itself while mounted.
 */
export interface RegisteredChart {
  element(): HTMLElement | null;
  exportSvg(fileName?: string): void;
  exportPng(fileName?: string): void;
}

const charts = new Set<RegisteredChart>();

export function registerChart(chart: RegisteredChart): () => void {
  charts.add(chart);
  return () => charts.delete(chart);
}

/** The chart holding the focused element, else the first chart in document order; null if none. */
export function chartToExport(active: Element | null = document.activeElement): RegisteredChart | null {
  const mounted = [...charts].filter((c) => c.element()?.isConnected);
  const focused = mounted.find((c) => active && c.element()?.contains(active));
  if (focused) return focused;
  mounted.sort((a, b) =>
    a.element()!.compareDocumentPosition(b.element()!) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
  return mounted[0] ?? null;
}
