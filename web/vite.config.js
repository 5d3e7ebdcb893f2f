import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// In development `npm run dev` serves the app on :5173 and forwards /api to a running
// `huiqi serve` (HUIQI_API, default http://127.0.0.1:8080). `vite build` writes web/dist,
// which `huiqi serve --web-dir web/dist` serves with deep-link fallback.
export default defineConfig({
  // Element Plus components are imported where they are used (with their CSS), so each page
  // downloads only its own; the home page stays small.
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: process.env.HUIQI_API || 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Vue changes rarely: its own chunk stays cached between releases.
        codeSplitting: {
          groups: [{ name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ }],
        },
      },
    },
  },
})
