/** The versions in the About box come from Electron's process.versions and onnxruntime-node's package. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aboutDialogOptions, collectVersions, onnxRuntimeVersion } from '../../../src-main/app/about.ts';

describe('About Spinscope', () => {
  it('reads the installed onnxruntime-node version without loading the native addon', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../../node_modules/onnxruntime-node/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(onnxRuntimeVersion()).toBe(pkg.version);
    expect(onnxRuntimeVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("takes Electron's, Chromium's and Node's versions from process.versions", () => {
    const versions = collectVersions(
      '0.1.0',
      { electron: '45.4.1', chrome: '142.0.1', node: '22.20.0' },
      '1.30.0',
    );
    expect(versions).toEqual({
      spinscope: '0.1.0',
      electron: '45.4.1',
      chromium: '142.0.1',
      node: '22.20.0',
      onnxruntime: '1.30.0',
    });
    // Outside Electron (plain Node) there is no electron or chrome entry.
    expect(collectVersions('0.1.0', { node: '20.19.0' }, '1.30.0')).toMatchObject({
      electron: 'unknown',
      chromium: 'unknown',
    });
  });

  it('is an info box titled "About Spinscope" with one version per line', () => {
    const options = aboutDialogOptions(
      collectVersions('0.1.0', { electron: '45.4.1', chrome: '142', node: '22' }, '1.30.0'),
    );
    expect(options).toMatchObject({
      type: 'info',
      title: 'About Spinscope',
      message: 'Spinscope 0.1.0',
      buttons: ['OK'],
    });
    expect(options.detail?.split('\n').slice(-4)).toEqual([
      'Electron 45.4.1',
      'Chromium 142',
      'Node 22',
      'onnxruntime 1.30.0',
    ]);
  });
});
