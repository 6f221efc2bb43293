// A hash router for the console's sections (no vue-router: there are no nested routes or guards).
import { ref } from 'vue';
import type { MessageKey } from './i18n/index.js';

export const SECTIONS = ['health', 'settings', 'logs', 'jobs', 'backups', 'databases', 'users', 'updates'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_LABELS: Record<Section, MessageKey> = {
  health: 'nav.health',
  settings: 'nav.settings',
  logs: 'nav.logs',
  jobs: 'nav.jobs',
  backups: 'nav.backups',
  databases: 'nav.databases',
  users: 'nav.users',
  updates: 'nav.updates',
};

function fromHash(): Section {
  const name = location.hash.replace(/^#\/?/, '');
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : 'health';
}

export const currentSection = ref<Section>(fromHash());
window.addEventListener('hashchange', () => {
  currentSection.value = fromHash();
});
