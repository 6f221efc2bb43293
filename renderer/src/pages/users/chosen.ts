// The database chosen for the Users & roles page, shared with the Databases page's buttons.
import { ref } from 'vue';

export const chosenDatabase = ref('');
