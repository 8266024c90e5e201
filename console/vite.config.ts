// The console's pages: each HTML file is an entry; shared code is split into hashed
// chunks under assets/. widget.js is built by vite.widget.config.ts.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    manifest: true, // scripts/size.mjs walks each entry's imports
    rollupOptions: {
      input: {
        index: 'index.html',
        agent: 'agent.html',
        portal: 'portal.html',
        admin: 'admin.html',
        demo: 'demo.html',
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
