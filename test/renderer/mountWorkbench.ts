/**
 * Mounts the whole workbench (App.vue with fresh Pinia stores) on a FakeBackend, as main.ts does
 * on the real transports.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import App from '../../src-renderer/src/App.vue';
import { API_KEY, createApi } from '../../src-renderer/src/api.ts';
import { FakeBackend } from './fakeBackend.ts';

export interface Workbench {
  wrapper: VueWrapper;
  backend: FakeBackend;
  /** Lets every pending call, event and re-render finish. */
  settle(): Promise<void>;
  /** The element with this data-testid (throws a readable error if absent). */
  byTestId(id: string): HTMLElement;
  allByTestId(id: string): HTMLElement[];
}

export async function mountWorkbench(backend = new FakeBackend()): Promise<Workbench> {
  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [createPinia()], provide: { [API_KEY]: createApi(backend.transport) } },
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await flushPromises();
  };
  await settle();
  const allByTestId = (id: string): HTMLElement[] => [
    ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
  ];
  const byTestId = (id: string): HTMLElement => {
    const el = allByTestId(id)[0];
    if (!el) throw new Error(`no element with data-testid="${id}" in:\n${wrapper.html()}`);
    return el;
  };
  return { wrapper, backend, settle, byTestId, allByTestId };
}
