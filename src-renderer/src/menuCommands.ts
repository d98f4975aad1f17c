/**
 * The desktop app's native menu: the main process asks for a path with a native dialog and sends
 * the command here (src-main/app/menuActions.ts, through the preload's onMenu); the renderer then
 * does what the Start panel's buttons do, so both routes share the stores and the error banner.
 */
import { useApi } from './api.ts';
import { useErrorsStore } from './stores/errors.ts';
import { useJobsStore } from './stores/jobs.ts';
import { useProjectStore } from './stores/project.ts';

export type MenuCommand =
  | { action: 'new-project' | 'open-project' | 'import-onnx' | 'export-figure'; path: string }
  | { action: 'close-project' };

export function isMenuCommand(x: unknown): x is MenuCommand {
  const c = x as { action?: unknown; path?: unknown } | null;
  if (c?.action === 'close-project') return true;
  return (
    typeof c?.path === 'string' &&
    (c.action === 'new-project' ||
      c.action === 'open-project' ||
      c.action === 'import-onnx' ||
      c.action === 'export-figure')
  );
}

/**
 * Runs one menu command. Call with Pinia active (inside the app's context): it uses the stores.
 * Anything that fails is shown in the banner.
 */
export async function runMenuCommand(command: unknown): Promise<void> {
  if (!isMenuCommand(command)) return;
  const project = useProjectStore();
  const errors = useErrorsStore();
  switch (command.action) {
    case 'new-project':
      await project.create(command.path);
      return;
    case 'open-project':
      await project.open(command.path);
      return;
    case 'close-project':
      await project.close();
      return;
    case 'import-onnx': {
      const api = useApi();
      const jobs = useJobsStore();
      const job = await errors.attempt('Import ONNX', () => api['models.import']({ path: command.path }));
      if (job) jobs.fromReply(job);
      return;
    }
    case 'export-figure':
      errors.report('Export figure', new Error('this version of the workbench has no figures to export yet'));
      return;
  }
}
