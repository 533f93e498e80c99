import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

const backend = 'http://127.0.0.1:3000';

/**
 * Issue #18: src/early.ts, built as an entry of its own, is loaded by a `<script async>` at the top
 * of index.html, so the first data requests start while the app's code is still on its way (Vite
 * would fold a second module script of index.html into the app's entry, which runs last).
 */
function earlyScript(): Plugin {
  return {
    name: 'releasegate-early-script',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, ctx) => {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === 'early',
        );
        const src = chunk ? `/${chunk.fileName}` : '/src/early.ts';
        return [{ tag: 'script', attrs: { type: 'module', async: true, src }, injectTo: 'head-prepend' }];
      },
    },
  };
}

/**
 * Issue #18: antd's form context (imported by its tooltips, popovers and dropdowns, so by the
 * first page) takes only FormProvider from @rc-component/form, but through the package's index,
 * whose `RefForm.Field = Field`-style assignments keep the whole form library (about 80 KB before
 * minifying) alive. This points that one import at the module FormProvider lives in; antd's Form
 * itself still imports the index, in its own chunk.
 */
function formProviderOnly(): Plugin {
  return {
    name: 'releasegate-form-provider-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (
        source !== '@rc-component/form' ||
        !importer ||
        !/[\\/]antd[\\/]es[\\/]form[\\/]context\.js$/.test(importer)
      )
        return null;
      return this.resolve('@rc-component/form/es/FormContext', importer, { skipSelf: true });
    },
  };
}

// The web shell: built into packages/web/dist, which the server serves; `vite` proxies the API.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    react(),
    earlyScript(),
    formProviderOnly(),
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
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        early: fileURLToPath(new URL('./src/early.ts', import.meta.url)),
      },
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
            // Everything the first page needs in one chunk (issue #18): one request, and brotli
            // compresses the whole better than the 20 to 40 pieces it would otherwise be cut into.
            // The early script stays on its own, or it would wait for all of it.
            { name: 'shell', tags: ['$initial'], test: (id: string) => !/[\\/]src[\\/]early\.ts$/.test(id) },
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
