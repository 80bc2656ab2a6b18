import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The console is served by Belfry at /console (src/api/console/static.ts); assets are hashed. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  logLevel: 'warn',
});
