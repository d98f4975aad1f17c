/**
 * "Export figure" for on-screen charts: the chart as SVG (what the screen shows, drawn by ECharts'
 * SVG renderer) or as PNG (the same option drawn once more by the canvas renderer at 2× pixels).
 * Files are offered as downloads from data: URLs (allowed by the CSP; no blob: or network).
 */
import type { EChartsOption } from 'echarts';
import { init } from './echarts.ts';

/** "T_c(t) run-1" → "tc-t-run-1.svg": a file name with no characters a file system rejects. */
export function figureFileName(name: string, ext: 'svg' | 'png'): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base || 'figure'}.${ext}`;
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** Draws `option` with the canvas renderer off screen and returns the PNG data URL. */
export function pngDataUrl(option: EChartsOption, width: number, height: number, background: string): string {
  const host = document.createElement('div');
  const chart = init(host, null, { renderer: 'canvas', width, height, devicePixelRatio: 2 });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
  } finally {
    chart.dispose();
  }
}

/** Offers `url` as a download named `fileName`. */
export function saveDataUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
  }
}
