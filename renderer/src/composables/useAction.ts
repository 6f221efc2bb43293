// One admin call at a time, as the console's forms make it: a busy flag while it runs (the buttons
// wait), the error said in the console's language when it fails, cleared when the next one starts.
import { ref, type Ref } from 'vue';
import { errorText } from '../app-state.js';

export interface ActionHooks {
  /** the text of a failure (errorText by default) */
  errorText?: (error: unknown) => string;
  /** sees a failure first (field errors, a refusal that is no error); true: handled, no message */
  onError?: (error: unknown) => boolean | void;
  /** after every call, failed or not (a refresh: the state may have moved either way) */
  after?: () => Promise<void>;
}

export interface Action {
  readonly busy: Ref<boolean>;
  readonly error: Ref<string>;
  /** runs `work`; its result, or undefined when it failed */
  run<T>(work: () => Promise<T>): Promise<T | undefined>;
}

export function useAction(hooks: ActionHooks = {}): Action {
  const busy = ref(false);
  const error = ref('');
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = '';
    try {
      return await work();
    } catch (e) {
      if (hooks.onError?.(e) !== true) error.value = (hooks.errorText ?? errorText)(e);
      return undefined;
    } finally {
      busy.value = false;
      await hooks.after?.();
    }
  }
  return { busy, error, run };
}
