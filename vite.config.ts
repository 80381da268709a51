/**
 * Builds the renderer (renderer/ → dist/renderer/). base './' because Electron loads the page from
 * file:// and the station serves it under a path with a token, so every asset URL must be relative.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}renderer`,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: `${here}dist/renderer`,
    emptyOutDir: true,
    // No inline scripts or styles may end up in the page: the CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
