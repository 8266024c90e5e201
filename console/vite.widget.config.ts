// widget.js: one self-contained script with a stable name (websites embed its URL), no
// chunks, no external CSS. Built after the console into the same dist/.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2019',
    lib: {
      entry: 'src/widget/main.tsx',
      formats: ['iife'],
      name: 'DocketWidget',
      fileName: () => 'widget.js',
    },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
  define: { 'process.env.NODE_ENV': '"production"' },
});
