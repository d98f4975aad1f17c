/**
 * The workbench's font is bundled: styles.css declares it with @font-face from files in the
 * repository (Vite copies them into the build), the body uses it first, and neither the CSS nor the
 * Content Security Policy lets the renderer fetch a font, a stylesheet or anything else from the
 * network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const stylesPath = resolve(here, '../../../src-renderer/src/styles.css');
const css = readFileSync(stylesPath, 'utf8');
const html = readFileSync(resolve(here, '../../../src-renderer/index.html'), 'utf8');

/** The @font-face rules: family, weight and the files they load. */
function fontFaces(): { family: string; weight: string; urls: string[] }[] {
  return [...css.matchAll(/@font-face\s*{([^}]*)}/g)].map(([, body]) => ({
    family: /font-family:\s*'([^']+)'/.exec(body)?.[1] ?? '',
    weight: /font-weight:\s*(\d+)/.exec(body)?.[1] ?? '',
    urls: [...body.matchAll(/url\('([^']+)'\)/g)].map((m) => m[1]),
  }));
}

function csp(): Map<string, string[]> {
  const content = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('bundled font', () => {
  it('declares regular and bold Liberation Sans from TrueType files in the repository', () => {
    const faces = fontFaces();
    expect(faces.map((f) => [f.family, f.weight])).toEqual([
      ['Liberation Sans', '400'],
      ['Liberation Sans', '700'],
    ]);
    for (const face of faces) {
      expect(face.urls).toHaveLength(1);
      const file = resolve(dirname(stylesPath), face.urls[0]);
      expect(existsSync(file), file).toBe(true);
      // sfnt version 1.0: a TrueType font, not an HTML error page or a Git LFS pointer.
      expect([...readFileSync(file).subarray(0, 4)]).toEqual([0, 1, 0, 0]);
    }
  });

  it('is the body’s first font, with Arial-metric fallbacks only', () => {
    const body = /body\s*{[^}]*font-family:\s*([^;]+);/.exec(css)?.[1];
    expect(body?.split(',').map((f) => f.trim())).toEqual([
      "'Liberation Sans'",
      'Arial',
      'Helvetica',
      'sans-serif',
    ]);
  });

  it('loads nothing from the network: no remote url() or @import, and the CSP allows fonts from self only', () => {
    expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    expect(css).not.toMatch(/@import/);
    const policy = csp();
    expect(policy.get('font-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    for (const [directive, sources] of policy) {
      // The served mode's loopback WebSockets are the only non-'self' origins.
      const remote = sources.filter((s) => /^(https?:|\*|data:)/.test(s) && directive !== 'img-src');
      expect(remote, directive).toEqual([]);
    }
  });
});
