import { createApp } from 'vue';
import App from './App.vue';
import { BRIDGE_KEY } from './app-state.js';
import { pickBridge } from './bridge/index.js';
import './styles.css';

createApp(App).provide(BRIDGE_KEY, pickBridge()).mount('#app');
