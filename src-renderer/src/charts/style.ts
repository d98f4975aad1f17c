/**
 * How charts look on screen, light or dark, following the OS (prefers-color-scheme). Option
 * builders take a ChartStyle, so the same builder can draw the screen version and an exported one.
 */
import { onScopeDispose, ref, type Ref } from 'vue';

export interface ChartStyle {
  dark: boolean;
  background: string;
  text: string;
  muted: string;
  axis: string;
  grid: string;
  /** Series colours: the main data, the fit, a second quantity, a marker. */
  primary: string;
  fit: string;
  secondary: string;
  marker: string;
  /** Phase colours (science.md §3, §5.5). */
  phase: { paramagnet: string; glass: string; hiddenOrder: string; undetermined: string };
  fontFamily: string;
  fontSize: number;
}

// The UI's bundled font first (styles.css @font-face), so charts match the UI on every machine.
const FONT = "'Liberation Sans', Arial, Helvetica, sans-serif";

export const LIGHT: ChartStyle = {
  dark: false,
  background: '#ffffff',
  text: '#1f2328',
  muted: '#656d76',
  axis: '#8c959f',
  grid: '#e6e9ed',
  primary: '#1f5fbf',
  fit: '#c2410c',
  secondary: '#0f766e',
  marker: '#9a6700',
  phase: { paramagnet: '#e8ecf1', glass: '#7aa6e0', hiddenOrder: '#e8964a', undetermined: '#b9a4d6' },
  fontFamily: FONT,
  fontSize: 12,
};

export const DARK: ChartStyle = {
  dark: true,
  background: '#161b22',
  text: '#e6edf3',
  muted: '#9da7b3',
  axis: '#6e7681',
  grid: '#2d333b',
  primary: '#6ca4f8',
  fit: '#f0883e',
  secondary: '#3fb9a5',
  marker: '#d29922',
  phase: { paramagnet: '#262c36', glass: '#3b6fb6', hiddenOrder: '#c26a1c', undetermined: '#7b62a3' },
  fontFamily: FONT,
  fontSize: 12,
};

/** The style for the OS's colour scheme, kept up to date while the calling scope lives. */
export function useChartStyle(): Ref<ChartStyle> {
  const query = typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)');
  const style = ref<ChartStyle>(query && query.matches ? DARK : LIGHT);
  if (query) {
    const onChange = (e: MediaQueryListEvent): void => {
      style.value = e.matches ? DARK : LIGHT;
    };
    query.addEventListener?.('change', onChange);
    onScopeDispose(() => query.removeEventListener?.('change', onChange));
  }
  return style;
}
