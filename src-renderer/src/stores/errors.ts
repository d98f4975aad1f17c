/**
 * Errors users should see: every failed API call lands here and is shown in the banner until
 * dismissed, never swallowed. ApiError messages are written for users (rpc.ts), so they are shown
 * as they are; anything else (a bug) is shown with its message too.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../../src-main/api/rpc.ts';

export interface ShownError {
  id: number;
  /** What was being done, e.g. "Create project". */
  action: string;
  message: string;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

export const useErrorsStore = defineStore('errors', () => {
  const shown = ref<ShownError[]>([]);
  let nextId = 1;

  function report(action: string, e: unknown): void {
    const message = errorMessage(e);
    // The same failure repeated (e.g. a refresh after each event) is shown once.
    if (shown.value.some((x) => x.action === action && x.message === message)) return;
    shown.value.push({ id: nextId++, action, message });
  }

  function dismiss(id: number): void {
    shown.value = shown.value.filter((x) => x.id !== id);
  }

  function dismissAll(): void {
    shown.value = [];
  }

  /** Runs `fn`; on failure reports it under `action` and returns undefined. */
  async function attempt<T>(action: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      report(action, e);
      return undefined;
    }
  }

  return { shown, report, dismiss, dismissAll, attempt };
});
