/* The offline app's service worker (issue 19), served by intake.offline.views.service_worker with
 * "Service-Worker-Allowed: /" so it can answer for the assistant's usual addresses.
 *
 * Network first, always: with a connection every page and file comes from the server as before.
 * Without one (or, for the offline app's own addresses, after 8 s without an answer), a page is answered with its
 * offline page from the cache the page script fills after each sync; files with their cached copy.
 * POSTs, the pack and the sync endpoint are never touched. Nothing about anyone is kept here.
 */
'use strict';

var CACHE = 'jiuzhu-offline';
var ASSETS = {{ assets_json|safe }};
var SHELLS = {{ shells_json|safe }};
var ROUTES = {{ routes_json|safe }};
var VISIT = new RegExp('^' + {{ visit_json|safe }}.replace('/0/', '/\\d+/') + '$');
var TIMEOUT_MS = 8000;
var NO_COPY = {{ no_copy_json|safe }};

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); })
    .catch(function () { return null; })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

// The offline page for an address the offline app knows, or null.
function knownShell(url) {
  if (VISIT.test(url.pathname)) { return SHELLS.visit; }
  for (var i = 0; i < ROUTES.length; i += 1) {
    if (ROUTES[i][0] === url.pathname) { return ROUTES[i][1]; }
  }
  return null;
}

function networkWithin(request, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error('timeout')); }, ms);
    fetch(request).then(function (response) { clearTimeout(timer); resolve(response); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

function offlinePage(url) {
  return caches.open(CACHE).then(function (cache) { return cache.match(knownShell(url) || SHELLS.home); }).then(function (hit) {
    return hit || new Response('<!doctype html><meta charset="utf-8"><p>' + NO_COPY + '</p>',
      { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === 'navigate') {
    // A weak signal: the offline app's own addresses give up after 8 s; any other page waits for the server
    // (a long report must not turn into the offline page) and falls back only when the network fails.
    var answer = knownShell(url) ? networkWithin(request, TIMEOUT_MS) : fetch(request);
    event.respondWith(answer.catch(function () { return offlinePage(url); }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) === -1) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  }));
});
