// The settings form's state, shared by the task sections and the Advanced list on the Settings page:
// the fields GET /settings returns, the admin's draft, validation on the server while typing (an older
// answer never overwrites a newer one), saving (what changed, with the store-change question) and the
// restart banner. Field problems are kept as the server sent them and translated when shown, so a
// change of language re-translates them.
import { computed, reactive, ref } from 'vue';
import type { SettingField, SettingsView } from '../../contract.js';
import { errorText, fieldErrorTexts, messageOf } from '../../app-state.js';
import { ApiError, type CodedField } from '../../bridge/errors.js';
import type { ConsoleBridge } from '../../bridge/types.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { changedValues, initialDraft } from '../../lib/settings-form.js';

const VALIDATE_DELAY_MS = 400;

export function useSettingsForm(bridge: ConsoleBridge) {
  const view = ref<SettingsView | null>(null);
  const draft = reactive<Record<string, string>>({});
  const openSecrets = reactive(new Set<string>());
  const problems = ref<{ fields: Record<string, string>; codes: Record<string, CodedField> }>({ fields: {}, codes: {} });
  // kept as what happened, said in the language of the moment (a switch of language re-says them)
  const problem = ref<{ key: MessageKey } | { error: unknown } | null>(null);
  const noticeKey = ref<MessageKey | null>(null);
  const error = computed(() => (problem.value === null ? '' : 'key' in problem.value ? t(problem.value.key) : messageOf(problem.value.error)));
  const notice = computed(() => (noticeKey.value ? t(noticeKey.value) : ''));
  /** an error of a request: its effect on the session at once, its text whenever shown */
  const fail = (e: unknown): void => {
    errorText(e);
    problem.value = { error: e };
  };
  const saving = ref(false);
  const restartRequired = ref(false);
  /** the settings of the last save that wait for a restart */
  const pendingRestart = ref<string[]>([]);
  // the database settings changed while this server holds databases: the server asks first
  const storeChange = ref<{ count: string } | null>(null);
  let validateTimer: ReturnType<typeof setTimeout> | undefined;
  let validationRound = 0;

  const changes = computed(() => (view.value ? changedValues(view.value.fields, draft, openSecrets) : {}));
  const hasChanges = computed(() => Object.keys(changes.value).length > 0);
  const fieldErrors = computed(() => fieldErrorTexts(problems.value.fields, problems.value.codes));

  function field(key: string): SettingField | undefined {
    return view.value?.fields.find((f) => f.key === key);
  }

  /** The value in effect: the draft when edited, else the stored value, else the default. */
  function effective(key: string): string {
    const f = field(key);
    const text = draft[key] ?? '';
    return text !== '' ? text : (f?.defaultValue ?? '');
  }

  async function load(): Promise<void> {
    try {
      const next = await bridge.getSettings();
      view.value = next;
      for (const key of Object.keys(draft)) delete draft[key];
      Object.assign(draft, initialDraft(next.fields));
      openSecrets.clear();
      problems.value = { fields: {}, codes: {} };
      try {
        restartRequired.value = (await bridge.getStatus()).restartRequired;
      } catch {
        // the banner is a hint; the form works without it
      }
    } catch (e) {
      fail(e);
    }
  }

  async function validateNow(): Promise<boolean> {
    const round = ++validationRound;
    const values = changes.value;
    if (Object.keys(values).length === 0) {
      problems.value = { fields: {}, codes: {} };
      return true;
    }
    try {
      const result = await bridge.validateSettings(values);
      if (round === validationRound) problems.value = { fields: result.fields, codes: result.codes ?? {} };
      return result.ok;
    } catch (e) {
      if (round === validationRound) fail(e);
      return false;
    }
  }

  function edit(key: string, value: string): void {
    draft[key] = value;
    noticeKey.value = null;
    problem.value = null;
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void validateNow(), VALIDATE_DELAY_MS);
  }

  function toggleSecret(key: string): void {
    if (openSecrets.has(key)) {
      openSecrets.delete(key);
      draft[key] = '';
    } else {
      openSecrets.add(key);
    }
    edit(key, draft[key] ?? '');
  }

  async function save(options: { confirmStoreChange?: boolean } = {}): Promise<void> {
    storeChange.value = null;
    clearTimeout(validateTimer);
    problem.value = null;
    noticeKey.value = null;
    if (!hasChanges.value) {
      noticeKey.value = 'settings.noChanges';
      return;
    }
    saving.value = true;
    try {
      if (!(await validateNow())) {
        problem.value = { key: 'settings.fixErrors' };
        return;
      }
      const saved = Object.keys(changes.value);
      const result = await bridge.saveSettings(changes.value, options);
      const waiting = saved.filter((key) => field(key)?.restartRequired !== false);
      restartRequired.value = restartRequired.value || result.restartRequired;
      if (result.restartRequired) pendingRestart.value = [...new Set([...pendingRestart.value, ...waiting])];
      await load();
      noticeKey.value = result.restartRequired ? 'settings.savedRestart' : 'settings.savedLive';
    } catch (e) {
      if (e instanceof ApiError && e.code === 'store_change') {
        storeChange.value = { count: String(e.params.count ?? e.fields.databases ?? '?') };
      } else if (e instanceof ApiError && Object.keys(e.fields).length > 0) {
        problems.value = { fields: e.fields, codes: e.fieldCodes };
        problem.value = { key: 'settings.fixErrors' };
      } else {
        fail(e);
      }
    } finally {
      saving.value = false;
    }
  }

  function dispose(): void {
    clearTimeout(validateTimer);
  }

  return {
    view, draft, openSecrets, fieldErrors, error, notice, saving, restartRequired, pendingRestart, storeChange, changes, hasChanges,
    field, effective, load, edit, toggleSecret, save, dispose,
  };
}

export type SettingsForm = ReturnType<typeof useSettingsForm>;
