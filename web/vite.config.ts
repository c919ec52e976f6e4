import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// Forms validate with the server's own Zod field schemas: `@foyer-fields/<feature>` is src/<feature>/fields.ts,
// files that import only zod (the boundary lint checks that).
const serverSource = fileURLToPath(new URL('../src', import.meta.url));
const apiServer = 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  resolve: { alias: [{ find: /^@foyer-fields\/([a-z-]+)$/, replacement: `${serverSource}/$1/fields.ts` }] },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // One bundle of everything passed 500 kB; libraries change less often than the console, so they get their own
    // chunks (and stay cached across Foyer upgrades that only touch the console).
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler|cookie|set-cookie-parser)[\\/]/ },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/ },
            { name: 'icons', test: /node_modules[\\/]@tabler[\\/]/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/healthz': apiServer,
    },
  },
});
