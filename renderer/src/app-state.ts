// Shared console state: the bridge (provided once by main.ts), which screen the app is on, and the
// one place that turns any error into a sentence for the admin.
import { inject, reactive, type InjectionKey } from 'vue';
import { ApiError, CLIENT_ERROR, type CodedField } from './bridge/errors.js';
import type { ConsoleBridge } from './bridge/types.js';
import { locale, t } from './i18n/index.js';
import { codeText, fieldCodeText } from './i18n/messages.js';

/**
 * Per-field texts for a validation answer: each field's code in the console's language, the server's
 * sentence for a field without a (known) code.
 */
export function fieldErrorTexts(fields: Readonly<Record<string, string>>, codes: Readonly<Record<string, CodedField>>): Record<string, string> {
  const out: Record<string, string> = { ...fields };
  for (const [key, coded] of Object.entries(codes)) {
    const text = fieldCodeText(locale.value, coded.code, coded.params);
    if (text !== null) out[key] = text;
  }
  return out;
}

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

/**
 * The admin-facing text for an error: the text of its code in the console's language with the
 * answer's params; the server's own sentence only for a code this console does not know. A 401 also
 * sends the console back to the login page.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 401 && session.phase === 'console') {
    session.phase = 'login';
    session.notice = t('app.sessionExpired');
  }
  return messageOf(error);
}

/** errorText without its effect on the session: for texts computed again when the language changes. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === CLIENT_ERROR.network) return t('error.network');
    const known = codeText(locale.value, error.code, error.params);
    if (known !== null) return known;
    if (error.status === 403) return t('error.forbidden', { message: error.message });
    if (error.status === 503) return t('error.unavailable', { message: error.message });
    return t('error.generic', { message: error.message });
  }
  // Anything else is a console bug; its text could be a trace, so show only a generic sentence.
  console.error(error);
  return t('error.generic', { message: 'unexpected error' });
}

/**
 * Asks the server to restart and waits for the new process: one whose uptime shows it started
 * after the request, with its database open (or failing for a reason other than "starting").
 * The old process keeps answering while it drains, so a health answer alone proves nothing.
 * False when no new process answered in time (nothing restarted it).
 */
export async function restartAndWait(bridge: ConsoleBridge, timeoutMs = 90_000): Promise<boolean> {
  const requestedAt = Date.now();
  const before = await bridge.getPublicHealth().catch(() => null);
  await bridge.restartServer();
  const deadline = requestedAt + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const health = await bridge.getPublicHealth().catch(() => null);
    if (!health) continue;
    const secondsSinceRequest = (Date.now() - requestedAt) / 1000;
    // uptimes are whole seconds: younger than the old process was, or than the request is
    const uptime = health.uptimeSeconds;
    const isNewProcess = uptime !== undefined
      && ((before?.uptimeSeconds !== undefined && uptime < before.uptimeSeconds) || uptime + 1 < secondsSinceRequest);
    const storeSettled = health.database?.connected === true || health.database?.reason !== 'starting';
    if (isNewProcess && storeSettled) return true;
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
