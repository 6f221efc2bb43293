// The console's i18n: a reactive locale, a typed t(). The choice persists in localStorage; the
// default follows the browser's language.
import { ref } from 'vue';
import { LOCALES, format, localeFor, type Locale, type MessageKey } from './messages.js';

const STORAGE_KEY = 'integram-console-locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'ru') return saved;
  return localeFor(navigator.language);
}

export const locale = ref<Locale>(initialLocale());
document.documentElement.lang = locale.value;

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(LOCALES[locale.value][key], params);
}

/** For texts keyed by data from the server (e.g. setting groups): known keys only. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(LOCALES.en, key);
}

export type { Locale, MessageKey };
