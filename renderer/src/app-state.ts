// Shared console state: the bridge (provided once by main.ts), which screen the app is on, and the
// one place that turns any error into a sentence for the admin.
import { inject, reactive, type InjectionKey } from 'vue';
import { ApiError, CLIENT_ERROR } from './bridge/errors.js';
import type { ConsoleBridge } from './bridge/types.js';
import { t } from './i18n/index.js';

export const BRIDGE_KEY: InjectionKey<ConsoleBridge> = Symbol('console-bridge');

export function useBridge(): ConsoleBridge {
  const bridge = inject(BRIDGE_KEY);
  if (!bridge) throw new Error('ConsoleBridge was not provided');
  return bridge;
}

export type Phase = 'loading' | 'unreachable' | 'wizard' | 'login' | 'console';

export const session = reactive({
  phase: 'loading' as Phase,
  /** a message the login page shows (e.g. the session expired) */
  notice: '',
});

/** The admin-facing text for an error; a 401 also sends the console back to the login page. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 && session.phase === 'console') {
      session.phase = 'login';
      session.notice = t('app.sessionExpired');
    }
    if (error.code === CLIENT_ERROR.network) return t('error.network');
    if (error.status === 403) return t('error.forbidden', { message: error.message });
    if (error.status === 503) return t('error.unavailable', { message: error.message });
    return t('error.generic', { message: error.message });
  }
  // Anything else is a console bug; its text could be a trace, so show only a generic sentence.
  console.error(error);
  return t('error.generic', { message: 'unexpected error' });
}

/**
 * After a restart request: waits until the server answers its public health check again (it
 * drains, exits and is started again by its supervisor). False when it is not back in time.
 */
export async function waitForServerBack(bridge: ConsoleBridge, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // give the old process a moment to stop answering, so we do not see it instead of the new one
  await new Promise((resolve) => setTimeout(resolve, 1500));
  while (Date.now() < deadline) {
    try {
      await bridge.getPublicHealth();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  return false;
}

/** Saves a downloaded file through a temporary link (works for cookie and Bearer auth alike). */
export function saveFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
