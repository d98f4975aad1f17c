/**
 * What the main column shows: a run (with its tabs: checkpoints, dashboard, phase diagram or
 * spectra), the import of an ONNX model and its report, or the comparison of two checkpoints or
 * models.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type RunTab = 'checkpoints' | 'dashboard' | 'phase' | 'spectra';
export type MainPanel = 'run' | 'import' | 'compare';

export const useViewStore = defineStore('view', () => {
  const tab = ref<RunTab>('checkpoints');
  const panel = ref<MainPanel>('run');
  function show(next: RunTab): void {
    tab.value = next;
    panel.value = 'run';
  }
  function open(next: MainPanel): void {
    panel.value = next;
  }
  /** The list of keyboard shortcuts (shortcuts.ts), shown from the header. */
  const shortcutsOpen = ref(false);
  function toggleShortcuts(open = !shortcutsOpen.value): void {
    shortcutsOpen.value = open;
  }
  return { tab, panel, show, open, shortcutsOpen, toggleShortcuts };
});
