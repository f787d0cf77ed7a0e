/**
 * Builds the browser client into client/dist/, which the Fastify server serves
 * (server/http/client-routes.ts). `npm run dev:client` serves it with hot reload and proxies the
 * API and the WebSocket to a server on :8080 (`npm start`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  publicDir: path.join(root, 'public'),
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/collab': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
