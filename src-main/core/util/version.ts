// Imported (not read at run time) so that bundles — the Electron main process and its workers —
// carry the version wherever their chunks end up.
import pkg from '../../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
