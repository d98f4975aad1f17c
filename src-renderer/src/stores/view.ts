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
  /**
   * An ONNX file dropped on the start screen before any project was open: the import view takes
   * its path once a project is (the model is imported into that project's models/).
   */
  const pendingImport = ref<string | null>(null);
  function takePendingImport(): string | null {
    const p = pendingImport.value;
    pendingImport.value = null;
    return p;
  }
  return { tab, panel, show, open, shortcutsOpen, toggleShortcuts, pendingImport, takePendingImport };
});
