import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Issue #18: the server-side renderer of a page's first paint (src/server/entry-server.tsx), built
 * into packages/web/dist-server for the server to load. Everything is bundled in (React, Ant
 * Design, the router), so the server renders with exactly the code the browser runs.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The production builds of React and Ant Design, as in the browser: the same class names (the
  // styles' hashes), and none of the development checks' cost on every page.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  ssr: { noExternal: true },
  build: {
    ssr: 'src/server/entry-server.tsx',
    outDir: fileURLToPath(new URL('./dist-server', import.meta.url)),
    emptyOutDir: true,
    copyPublicDir: false,
    rolldownOptions: { output: { entryFileNames: 'entry-server.js' } },
  },
});
