// @vitest-environment happy-dom
/**
 * The desktop menu's commands (menuCommands.ts) do what the Start panel's buttons do, through the
 * same stores: the path chosen in the native dialog is created, opened or imported.
 */
import { describe, expect, it } from 'vitest';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { API_KEY, createApi, menuEventsOf } from '../../src-renderer/src/api.ts';
import { runMenuCommand } from '../../src-renderer/src/menuCommands.ts';
import { useErrorsStore } from '../../src-renderer/src/stores/errors.ts';
import { useProjectStore } from '../../src-renderer/src/stores/project.ts';
import { FakeBackend } from './fakeBackend.ts';

function appOn(backend: FakeBackend) {
  const app = createApp({}).provide(API_KEY, createApi(backend.transport)).use(createPinia());
  return (command: unknown) => app.runWithContext(() => runMenuCommand(command));
}

describe('menu commands', () => {
  it('New Project creates the chosen folder and Close Project closes it', async () => {
    const backend = new FakeBackend();
    const run = appOn(backend);
    await run({ action: 'new-project', path: '/data/hidden-order' });
    expect(backend.callsOf('projects.create')).toEqual([{ dir: '/data/hidden-order' }]);
    await run({ action: 'close-project' });
    expect(backend.callsOf('projects.close')).toHaveLength(1);
  });

  it('Open Project opens the chosen folder and a failure goes to the banner', async () => {
    const backend = new FakeBackend();
    const app = createApp({}).provide(API_KEY, createApi(backend.transport)).use(createPinia());
    await app.runWithContext(() => runMenuCommand({ action: 'open-project', path: '/data/none' }));
    expect(backend.callsOf('projects.open')).toEqual([{ dir: '/data/none' }]);
    const errors = app.runWithContext(() => useErrorsStore());
    expect(errors.shown.map((e) => e.message)).toEqual([
      '/data/none is not a Spinscope project (no spinscope.json)',
    ]);
    expect(app.runWithContext(() => useProjectStore()).current).toBeNull();
  });

  it('ignores anything that is not a menu command', async () => {
    const backend = new FakeBackend();
    const run = appOn(backend);
    await run({ action: 'format-disk', path: '/' });
    await run({ action: 'open-project' });
    await run(null);
    expect(backend.calls).toEqual([]);
  });

  it('listens to the preload menu only when it exists', () => {
    expect(menuEventsOf({})).toBeNull();
    expect(menuEventsOf({ spinscope: { invoke: () => null, onEvent: () => () => {} } })).toBeNull();
    const subscribed: unknown[] = [];
    const onMenu = menuEventsOf({
      spinscope: {
        invoke: () => null,
        onEvent: () => () => {},
        onMenu: (l: unknown) => (subscribed.push(l), () => {}),
      },
    });
    const listener = (): void => {};
    onMenu!(listener);
    expect(subscribed).toEqual([listener]);
  });
});
