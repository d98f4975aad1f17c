/** Which view of the selected run is shown: checkpoints, dashboard, phase diagram or spectra. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type RunTab = 'checkpoints' | 'dashboard' | 'phase' | 'spectra';

export const useViewStore = defineStore('view', () => {
  const tab = ref<RunTab>('checkpoints');
  function show(next: RunTab): void {
    tab.value = next;
  }
  return { tab, show };
});
