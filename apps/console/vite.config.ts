import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by `npm run build` into dist/gui, which the API serves at /gui/. Everything is bundled: the network is
// closed where Watchtower runs, and the CSP allows scripts from 'self' only.
export default defineConfig(({ command }) => {
  if (command === 'build') {
    // Jest's global setup builds under NODE_ENV=test, and Vite then makes a development bundle (Preact's debug
    // tools, dev JSX: 40 KB more). A build is the production bundle users get, whoever runs it.
    process.env.NODE_ENV = 'production';
  }
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: '/gui/',
    plugins: [preact({ prerender: { enabled: false } })],
    build: {
      outDir: fileURLToPath(new URL('../../dist/gui', import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      // no data: URLs and no inline polyfill script: every asset is a file under /gui/assets
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
  };
});
