{% load static %}{% get_static_prefix as static_prefix %}/* Mutu kiosk service worker: keeps the kiosk page and its files for offline use.
 *
 * Pages (navigations): network first, with a 5 s limit, then the cached copy.
 * Static files: the cached copy at once, refreshed in the background.
 * Everything else (the sync POST, other origins, no-store requests) is untouched.
 * Served by Mutu at {{ request.path }} so that its scope covers the kiosk pages.
 */
"use strict";

const CACHE = "{{ cache_name }}";
const STATIC_PREFIX = new URL("{{ static_prefix|escapejs }}", self.location.origin).href;
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("mutu-kiosk-") && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function pageFromNetwork(request) {
  const cache = await caches.open(CACHE);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  try {
    const response = await fetch(request, { signal: controller.signal });
    if (response.ok) {
      await cache.put(request.url.split("?")[0], response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (cached) {
      return cached;
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function staticFromCache(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  const refresh = fetch(request)
    .then((response) => {
      if (response.ok && request.url.startsWith(STATIC_PREFIX)) {
        cache.put(request, response.clone());
      }
      return response;
    })
    .catch((error) => {
      if (!cached) {
        throw error;
      }
      return cached;
    });
  return cached || refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (
    request.method !== "GET" ||
    request.cache === "no-store" ||
    new URL(request.url).origin !== self.location.origin
  ) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  } else {
    event.respondWith(staticFromCache(request));
  }
});
