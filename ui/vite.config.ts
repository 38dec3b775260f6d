// Builds the web console (docs/console.md) into dist/ui, which the broker's HTTP listener serves
// (src/protocols/http/console-static.ts). Run from the repository root: `vite build ui`.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `npx vite ui` for development: the API is the broker's, on its default HTTP port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
