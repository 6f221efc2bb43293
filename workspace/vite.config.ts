import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

// The workspace is served by the server: its assets at /workspace/..., its page at /{db}.
// Dev: `LEGACY_TARGET=http://127.0.0.1:8081 npx vite`, then open http://127.0.0.1:5173/workspace/?db=my
// (the dev server proxies every legacy call, /{db}/..., to the running server: one origin for the cookie).
const target = process.env.LEGACY_TARGET ?? 'http://127.0.0.1:8081';

export default defineConfig({
  base: '/workspace/',
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    proxy: { '^/(?!workspace/|@|src/|node_modules/)[a-z0-9_]+/.+': { target, changeOrigin: false } },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/workspace', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
  },
});
