/**
 * ECharts server-side rendering of a figure option to an SVG string, in points (style.ts): the
 * chart is sized to the page, laid out with the bundled fonts' real metrics (fonts.ts), rendered
 * once and disposed (an undisposed SSR chart keeps its zrender instance alive).
 *
 * The output is deterministic: animation is off and zrender's ids (which count up across charts in
 * a process) are renumbered from zero, so the same spec gives the same bytes.
 */
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { measureText } from './fonts.ts';

let platformReady = false;

/** Installs the font metrics into ECharts once per process (a global: zrender has one platform). */
export function useBundledFontMetrics(): void {
  if (platformReady) return;
  echarts.setPlatformAPI({ measureText });
  platformReady = true;
}

export function renderSvg(option: EChartsOption, width: number, height: number): string {
  useBundledFontMetrics();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return expandFontShorthand(normaliseIds(chart.renderToSVGString()));
  } finally {
    chart.dispose();
  }
}

/**
 * zrender writes some text styles as the CSS shorthand `font: normal normal 7px Liberation Serif`,
 * which resvg does not read (it falls back to its default 12 px face) while svg-to-pdfkit does:
 * spell every shorthand out as longhands, which all SVG consumers read the same way.
 */
export function expandFontShorthand(svg: string): string {
  return svg.replace(/font:\s*([^;"]+)/g, (whole: string, value: string) => {
    const m =
      /^(?:(normal|italic|oblique)\s+)?(?:(normal|bold|bolder|lighter|\d{3})\s+)?([\d.]+)px\s+(.+?)\s*$/.exec(
        value,
      );
    if (!m) return whole;
    const [, style, weight, size, family] = m;
    return `font-style:${style ?? 'normal'};font-weight:${weight ?? 'normal'};font-size:${size}px;font-family:${family}`;
  });
}

/**
 * zrender names clip paths, patterns and style classes "zr<instance>-<kind><n>" from counters that
 * keep running across charts in a process: renumber each kind from zero by first appearance.
 */
export function normaliseIds(svg: string): string {
  const renamed = new Map<string, string>();
  const counters = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+-?)(\d+)\b/g, (token: string, kind: string) => {
    let name = renamed.get(token);
    if (name === undefined) {
      const n = counters.get(kind) ?? 0;
      counters.set(kind, n + 1);
      name = `zr0-${kind}${n}`;
      renamed.set(token, name);
    }
    return name;
  });
}
