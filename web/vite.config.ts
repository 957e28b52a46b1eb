import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The datapad: built into web/dist, which the Muster server serves (src/server/web.ts). */
export default defineConfig({
  root,
  plugins: [react()],
  // Observable Plot and d3 make one ~520 kB (165 kB gzipped) bundle, served once and cached as immutable.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 700 },
  // `npx vite web` for development against `npm start` on 8080.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
