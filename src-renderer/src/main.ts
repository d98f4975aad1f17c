import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { API_KEY, createApi, menuEventsOf, transportForWindow } from './api.ts';
import { runMenuCommand } from './menuCommands.ts';
import './styles.css';

const app = createApp(App)
  .provide(API_KEY, createApi(transportForWindow(window)))
  .use(createPinia());
app.mount('#app');

// Under Electron, the native menu's commands (the stores need the app's context for the client).
menuEventsOf(window)?.((command) => void app.runWithContext(() => runMenuCommand(command)));
