import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { withContentSecurityPolicyMeta } from './src/main/transport/content-security-policy'

// The package has no "type": "module", so electron-vite emits CommonJS `.js` for main and
// preload: a sandboxed preload cannot load an ES module, and the CLI runs under plain Node.
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/main.ts'),
          // `npm start`'s decision between the window and browser mode (bin/start.js loads it).
          launcher: resolve(__dirname, 'src/main/launcher/index.ts'),
          // Snapshot scans and browsing run in worker threads; the desktop app and the web host load these.
          'inspect-worker': resolve(__dirname, 'src/main/host/workers/inspect-worker.ts'),
          // Save and restore verify the bytes they move in a worker thread (CLI and both hosts).
          'verify-stream-worker': resolve(__dirname, 'src/main/services/consul/verify-stream-worker.ts'),
          'catalogue-worker': resolve(__dirname, 'src/main/host/workers/catalogue-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // One self-contained file that requires only `electron`: what a sandboxed window can load.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [
      react(),
      {
        // The desktop page is a file:// URL (no headers), so its policy travels in the page.
        name: 'content-security-policy',
        apply: 'build',
        transformIndexHtml: { order: 'pre', handler: withContentSecurityPolicyMeta },
      },
    ],
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  },
})
