import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const backend = 'http://127.0.0.1:3000';

// The web shell: built into packages/web/dist, which the server serves; `vite` proxies the API.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    // Issue #18: a brotli (.br) and a gzip (.gz) copy next to every JS, CSS, HTML, SVG and JSON
    // file, compressed once at build time at the highest levels; the server sends the copy the
    // browser accepts (preCompressed in packages/server/src/http/web.ts).
    compression({
      include: /\.(js|css|html|svg|json)$/,
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip', { level: 9 })],
      logLevel: 'silent',
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // The chart library's core and renderer in a chunk of their own, named so (issue #18):
        // fetched only by the pages that draw a chart, and recognisable in the network log (an e2e
        // test checks that 我的待办 never asks for it). The chart types (line, bar, graph) stay
        // with the page that draws them, so a line chart does not bring the graph's code.
        codeSplitting: {
          groups: [
            {
              name: 'echarts',
              test: /[\\/]node_modules[\\/](zrender[\\/]|echarts[\\/](?!lib[\\/]chart[\\/]))/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
});
