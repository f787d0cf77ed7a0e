// mcpad's service worker: keeps the app shell (index.html, the built assets, the favicon)
// available offline, so a session page reloaded without a network still opens; its notes come
// from IndexedDB and the metadata from localStorage. The API and the WebSocket are never cached.
// Plain JS on purpose: Vite copies it verbatim to client/dist/sw.js (it must live at the root
// to control /s/* pages).
const CACHE = 'mcpad-shell-v1';
const SHELL = '/';

/** Caches the page and every /assets/ file it references. */
async function keepShell(cache, response) {
  const html = await response.clone().text();
  const assets = new Set(Array.from(html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g), (m) => m[1]));
  assets.add('/favicon.svg');
  await cache.put(SHELL, response);
  // Files of older builds are no longer referenced by the page: drop them.
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !assets.has(path)) await cache.delete(request);
  }
  await Promise.all(
    Array.from(assets).map(async (asset) => {
      if (!(await cache.match(asset))) await cache.add(asset);
    }),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch(SHELL, { cache: 'reload' });
      if (response.ok) await keepShell(cache, response);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (/^\/(api|collab|healthz)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Network first, so a new build is picked up at once; the cached shell when offline.
    event.respondWith(
      (async () => {
        try {
          const response = await fetch(request);
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            const cache = await caches.open(CACHE);
            event.waitUntil(keepShell(cache, response.clone()).catch(() => undefined));
          }
          return response;
        } catch (error) {
          const cached = await caches.match(SHELL);
          if (cached) return cached;
          throw error;
        }
      })(),
    );
    return;
  }
  // Hashed assets never change: cache first.
  event.respondWith(
    (async () => {
      const cached = await caches.match(request);
      if (cached) return cached;
      const response = await fetch(request);
      if (response.ok && url.pathname.startsWith('/assets/')) {
        const cache = await caches.open(CACHE);
        await cache.put(request, response.clone());
      }
      return response;
    })(),
  );
});
