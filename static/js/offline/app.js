/* The village assistant's phone without a signal (issue 19).
 *
 * Loaded by the home page's offline card (templates/intake/_offline_queue.html) and by the offline
 * pages (templates/intake/offline/), which the service worker (intake/offline/sw.js) shows at the usual
 * addresses when there is no connection. It
 *  - registers the service worker and keeps the offline pages in the Cache API;
 *  - keeps the phone's copy (the "pack": the village's roster names, masked IDs and due dates) in
 *    IndexedDB, for the logged-in assistant only; wipes it after the session's idle limit and at logout;
 *  - keeps leads and visits recorded offline in a queue (IndexedDB), each with its own key, shows them as
 *    待同步, and sends them one by one when the connection returns; the server takes each key once.
 * Everything the pages show from the copy is written with textContent (never as HTML).
 */
(function () {
  'use strict';

  var app = document.getElementById('offline-app');
  if (!app || !window.indexedDB) { return; }
  var cfg = app.dataset;
  var screen = cfg.screen;
  var CACHE = 'jiuzhu-offline';
  var DB_NAME = 'jiuzhu-offline';
  var RESULTS_KEPT = 20;
  var msgEl = document.querySelector('[data-offline-message]');
  var textsEl = document.querySelector('[data-offline-texts]');
  var M = textsEl ? textsEl.dataset : {};
  var csrf = null;

  // --- IndexedDB: meta (pack, lastActive), queue (records to send), results (answers of the server) -----
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          d.createObjectStore('meta');
          d.createObjectStore('queue', { keyPath: 'key' });
          d.createObjectStore('results', { keyPath: 'key' });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function tx(store, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode);
        var request = fn(t.objectStore(store));
        t.oncomplete = function () { resolve(request ? request.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  var idb = {
    get: function (store, key) { return tx(store, 'readonly', function (s) { return s.get(key); }); },
    put: function (store, value, key) {
      return tx(store, 'readwrite', function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    del: function (store, key) { return tx(store, 'readwrite', function (s) { return s.delete(key); }); },
    all: function (store) { return tx(store, 'readonly', function (s) { return s.getAll(); }); },
    clear: function (store) { return tx(store, 'readwrite', function (s) { return s.clear(); }); }
  };

  // --- small helpers ------------------------------------------------------------------------------------
  function localToday() {
    var now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return (d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function setMessage(text) {
    if (msgEl) { msgEl.textContent = text || ''; }
  }
  function fill(name, text) {
    document.querySelectorAll('[data-offline-field="' + name + '"]').forEach(function (node) {
      node.textContent = text;
    });
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }
  function visitUrl(entryId) { return cfg.visitUrl.replace('/0/', '/' + entryId + '/'); }

  // --- the copy on the phone: kept for the logged-in assistant, wiped when idle or at logout --------------
  function wipe(everything) {
    var steps = [idb.del('meta', 'pack'), idb.clear('results')];
    if (everything) { steps.push(idb.clear('queue')); }
    if (window.caches) { steps.push(caches.delete(CACHE)); }
    return Promise.all(steps).catch(function () { return null; });
  }
  function idleExpired(pack) {
    return idb.get('meta', 'lastActive').then(function (last) {
      return Boolean(pack) && Date.now() - (last || 0) > pack.idle_seconds * 1000;
    });
  }
  var lastTouch = 0;
  function touch() {
    var now = Date.now();
    if (now - lastTouch < 10000) { return; }
    lastTouch = now;
    idb.put('meta', now, 'lastActive').catch(function () { return null; });
  }

  function precache(urls) {
    if (!window.caches) { return Promise.resolve(); }
    var shells = Object.keys(urls.shells).map(function (name) { return urls.shells[name]; });
    return caches.open(CACHE).then(function (cache) { return cache.addAll(shells); }).catch(function () { return null; });
  }

  function refreshPack() {
    return fetch(cfg.packUrl, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          csrf = null;
          setMessage(M.msgLogin);
          return wipe(false).then(function () { return null; });
        }
        if (!response.ok) { return null; }
        return response.json().then(function (body) {
          csrf = body.csrf;
          delete body.csrf;
          body.synced_at = Date.now();
          return idb.get('meta', 'pack').then(function (old) {
            return old && old.user.id !== body.user.id ? wipe(false) : null;
          }).then(function () {
            return Promise.all([idb.put('meta', body, 'pack'), idb.put('meta', Date.now(), 'lastActive')]);
          }).then(function () { return precache(body.urls); }).then(function () { return body; });
        });
      })
      .catch(function () { return null; });
  }

  function ownQueue(pack) {
    return idb.all('queue').then(function (items) {
      return items.filter(function (item) { return pack && item.owner === pack.user.id; })
        .sort(function (a, b) { return a.recorded_at < b.recorded_at ? -1 : 1; });
    });
  }

  // --- sending the queue ------------------------------------------------------------------------------
  var flushing = null;
  function sendOne(item) {
    return fetch(cfg.syncUrl, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify({
        key: item.key, kind: item.kind, stamp: item.stamp, recorded_at: item.recorded_at,
        data: item.data, photos: item.photos || []
      })
    });
  }
  function pruneResults() {
    return idb.all('results').then(function (results) {
      results.sort(function (a, b) { return b.at - a.at; });
      return Promise.all(results.slice(RESULTS_KEPT).map(function (r) { return idb.del('results', r.key); }));
    });
  }
  function flushNow() {
    var refused = 0;
    var sent = 0;
    return idb.get('meta', 'pack').then(function (pack) {
      if (!pack) { return null; }
      return ownQueue(pack).then(function (items) {
        if (!items.length) { return null; }
        var ready = csrf ? Promise.resolve(true) : refreshPack();
        return ready.then(function (ok) {
          if (!ok) { if (!navigator.onLine) { setMessage(M.msgOffline); } return null; }
          setMessage(M.msgSending);
          var chain = Promise.resolve(true);
          items.forEach(function (item) {
            chain = chain.then(function (goOn) {
              if (!goOn) { return false; }
              return sendOne(item).then(function (response) {
                var json = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0;
                if (!json) { csrf = null; setMessage(M.msgLogin); return false; }
                return response.json().then(function (body) {
                  if (response.ok) {
                    return idb.put('results', {
                      key: item.key, kind: item.kind, label: item.label, message: body.message,
                      conflict: Boolean(body.conflict), repeat: Boolean(body.repeat), at: Date.now()
                    }).then(function () { return idb.del('queue', item.key); }).then(function () { sent += 1; return true; });
                  }
                  if (response.status === 401) { csrf = null; setMessage(M.msgLogin); return false; }
                  refused += 1;
                  item.error = body.message;
                  return idb.put('queue', item).then(function () { return true; });
                });
              }, function () { setMessage(M.msgOffline); return false; });
            });
          });
          return chain.then(function (allSent) {
            if (allSent) { setMessage(refused ? M.msgFailed : M.msgSent + ' ' + (items.length - refused)); }
            // Due dates moved with the visits just taken: fetch the copy again.
            return pruneResults().then(function () { return sent ? refreshPack() : null; });
          });
        });
      });
    });
  }
  function flush() {
    if (!flushing) {
      flushing = flushNow().catch(function () { return null; }).then(function () {
        flushing = null;
        return render();
      });
    }
    return flushing;
  }

  function enqueue(kind, data, label, photos) {
    return idb.get('meta', 'pack').then(function (pack) {
      var item = {
        key: newKey(), kind: kind, owner: pack.user.id, stamp: pack.stamp, recorded_at: new Date().toISOString(),
        data: data, photos: photos || [], label: label
      };
      return idb.put('queue', item);
    });
  }

  // --- showing the copy ---------------------------------------------------------------------------------
  function renderList(name, rows, build) {
    var list = document.querySelector('[data-offline-list="' + name + '"]');
    if (!list) { return; }
    list.replaceChildren();
    if (!rows.length) {
      list.appendChild(el('li', 'list-group-item text-muted small', list.dataset.empty));
      return;
    }
    rows.forEach(function (row) { list.appendChild(build(row)); });
  }
  function entryItem(entry, today, pending) {
    var li = el('li', 'list-group-item d-flex flex-wrap align-items-center gap-2');
    li.dataset.testid = 'offline-entry';
    var who = el('div', 'me-auto');
    who.appendChild(el('div', 'fw-semibold', entry.name));
    who.appendChild(el('div', 'small text-muted font-monospace', entry.id_masked));
    var info = entry.category + ' · ' + (entry.last_visited_on ? M.msgLastVisit + ' ' + entry.last_visited_on : M.msgNeverVisited);
    who.appendChild(el('div', 'small text-muted', info));
    li.appendChild(who);
    if (pending[entry.id]) {
      li.appendChild(el('span', 'badge text-bg-warning', M.msgPending));
    } else if (entry.next_due_on) {
      var late = entry.next_due_on < today;
      li.appendChild(el('span', 'badge ' + (late ? 'text-bg-danger' : 'text-bg-light border'),
        (late ? M.msgOverdue : M.msgDue) + ' ' + entry.next_due_on));
    }
    var link = el('a', 'btn btn-sm btn-primary', M.msgLogVisit);
    link.href = visitUrl(entry.id);
    link.dataset.testid = 'offline-visit-button';
    li.appendChild(link);
    return li;
  }
  function queueItem(item) {
    var li = el('li', 'list-group-item');
    li.dataset.testid = 'offline-queued';
    var head = el('div', 'd-flex gap-2 align-items-center');
    head.appendChild(el('span', 'badge text-bg-warning', item.kind === 'lead' ? M.msgLead : M.msgVisit));
    head.appendChild(el('span', 'me-auto', item.label));
    head.appendChild(el('span', 'small text-muted', clock(Date.parse(item.recorded_at))));
    li.appendChild(head);
    if (item.error) {
      li.appendChild(el('div', 'small text-danger mt-1', item.error));
      var remove = el('button', 'btn btn-sm btn-outline-danger mt-1', M.msgDelete);
      remove.type = 'button';
      remove.addEventListener('click', function () { idb.del('queue', item.key).then(render); });
      li.appendChild(remove);
    }
    return li;
  }
  function resultItem(result) {
    var li = el('li', 'list-group-item small' + (result.conflict ? ' list-group-item-warning' : ''));
    li.dataset.testid = 'offline-result';
    var head = el('div', 'd-flex gap-2');
    head.appendChild(el('span', 'badge text-bg-success', result.kind === 'lead' ? M.msgLead : M.msgVisit));
    head.appendChild(el('span', 'me-auto fw-semibold', result.label));
    head.appendChild(el('span', 'text-muted', clock(result.at)));
    li.appendChild(head);
    li.appendChild(el('div', '', result.message + (result.repeat ? '（' + M.msgRepeat + '）' : '')));
    return li;
  }

  function render() {
    return idb.get('meta', 'pack').then(function (pack) {
      var expired = document.querySelector('[data-offline-expired]');
      if (expired) { expired.classList.toggle('d-none', Boolean(pack)); }
      return Promise.all([ownQueue(pack), idb.all('results')]).then(function (lists) {
        var queue = lists[0];
        var results = lists[1].sort(function (a, b) { return b.at - a.at; });
        document.querySelectorAll('[data-offline-count]').forEach(function (badge) {
          badge.textContent = String(queue.length);
          badge.classList.toggle('text-bg-warning', queue.length > 0);
          badge.classList.toggle('text-bg-secondary', queue.length === 0);
        });
        renderList('queue', queue, queueItem);
        renderList('results', pack ? results : [], resultItem);
        if (!pack) {
          if (msgEl && !msgEl.textContent) { setMessage(M.msgNever); }
          return;
        }
        var today = localToday();
        var roster = pack.roster || [];
        var pending = {};
        queue.forEach(function (item) { if (item.kind === 'visit') { pending[item.data.entry] = true; } });
        var due = roster.filter(function (e) {
          return e.mine && e.next_due_on && e.next_due_on <= today && !pending[e.id];
        });
        fill('user', pack.user.name + ' · ' + pack.user.village);
        fill('village', pack.user.village);
        fill('synced', M.msgSynced + ' ' + clock(pack.synced_at));
        fill('due-count', String(due.length));
        renderList('due', due, function (e) { return entryItem(e, today, pending); });
        renderList('roster', roster, function (e) { return entryItem(e, today, pending); });
        if (screen === 'visit') { showEntry(pack); }
      });
    });
  }

  // --- the forms ------------------------------------------------------------------------------------
  function currentEntryId() {
    var pattern = new RegExp('^' + cfg.visitUrl.replace('/0/', '/(\\d+)/') + '$');
    var match = location.pathname.match(pattern);
    if (match) { return Number(match[1]); }
    var param = new URLSearchParams(location.search).get('entry');
    return param ? Number(param) : null;
  }
  function showEntry(pack) {
    var id = currentEntryId();
    var entry = (pack.roster || []).filter(function (e) { return e.id === id; })[0];
    var form = document.querySelector('[data-offline-form="visit"]');
    if (!entry) {
      fill('entry-info', M.msgNoEntry);
      if (form) { form.classList.add('d-none'); }
      return null;
    }
    fill('entry-name', entry.name);
    fill('entry-info', entry.id_masked + ' · ' + entry.category + ' · ' + M.msgDue + ' ' + (entry.next_due_on || '—'));
    return entry;
  }
  // text: null hides the field's error, a string shows it, undefined shows the one the page carries.
  function showError(form, name, text) {
    var node = form.querySelector('[data-error-for="' + name + '"]');
    if (!node) { return; }
    if (text === null) { node.classList.add('d-none'); return; }
    if (text) { node.textContent = text; }
    node.classList.remove('d-none');
  }

  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var ID_CHECK = '10X98765432';
  function normalizeId(value) {
    return (value || '').replace(/[\uff10-\uff19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/[\s\-]/g, '').replace(/[x\uff58\uff38]/g, 'X');
  }
  function idValid(number) {
    if (!/^\d{17}[\dX]$/.test(number)) { return false; }
    var sum = 0;
    for (var i = 0; i < 17; i += 1) { sum += Number(number[i]) * ID_WEIGHTS[i]; }
    return ID_CHECK[sum % 11] === number[17];
  }

  function wireLeadForm(form) {
    var texts = document.querySelector('[data-offline-messages]').dataset;
    var dateInput = form.querySelector('[name="discovered_on"]');
    dateInput.value = localToday();
    dateInput.max = localToday();
    // No ID known (a homeless person): a name or a description, and where the person was found, instead.
    var unknownBox = form.querySelector('[name="unidentified"]');
    var unknownFields = form.querySelector('[data-unidentified-fields]');
    if (unknownBox && unknownFields) {
      unknownBox.addEventListener('change', function () {
        unknownFields.classList.toggle('d-none', !unknownBox.checked);
      });
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var fd = new FormData(form);
      var unknown = Boolean(unknownBox && unknownBox.checked);
      var idNumber = unknown ? '' : normalizeId(fd.get('id_number'));
      var name = (fd.get('name') || '').trim();
      var description = (fd.get('description') || '').trim();
      var foundAt = (fd.get('found_at') || '').trim();
      var situation = (fd.get('family_situation') || '').trim();
      var day = fd.get('discovered_on') || '';
      var ok = true;
      var checks = unknown
        ? [['id_number', null], ['name', null], ['description', name || description ? null : texts.whoRequired],
          ['found_at', foundAt ? null : texts.whereRequired]]
        : [['id_number', idValid(idNumber) ? null : texts.idInvalid], ['name', name ? null : texts.nameRequired]];
      checks.concat([['family_situation', situation ? null : texts.situationRequired],
        ['discovered_on', day && day <= localToday() ? null : texts.dateInvalid]]).forEach(function (check) {
        showError(form, check[0], check[1]);
        if (check[1]) { ok = false; }
      });
      if (!ok) { return; }
      var data = {
        village: fd.get('village'), id_number: idNumber, name: name, phone: (fd.get('phone') || '').trim(),
        method: fd.get('method'), channel: fd.get('channel'), discovered_on: day,
        is_urgent: fd.get('is_urgent') === 'on', suspected_relief: fd.getAll('suspected_relief'),
        causes: fd.getAll('causes'), family_situation: situation
      };
      if (unknown) { data.unidentified = true; data.description = description; data.found_at = foundAt; }
      enqueue('lead', data, name || description).then(afterSave);
    });
  }

  var photos = [];
  // The photo's EXIF block (APP1), copied only when the district keeps the photo's location: the server keeps its
  // GPS tags and drops the rest (device, time, thumbnail). Off by default (pack.keep_photo_location).
  function exifSegment(file) {
    return file.slice(0, 131072).arrayBuffer().then(function (buffer) {
      var b = new Uint8Array(buffer);
      if (b[0] !== 0xFF || b[1] !== 0xD8) { return null; }
      var i = 2;
      while (i + 4 <= b.length && b[i] === 0xFF) {
        var marker = b[i + 1], length = (b[i + 2] << 8) | b[i + 3];
        if (marker === 0xDA) { return null; }
        if (marker === 0xE1 && b[i + 4] === 0x45 && b[i + 5] === 0x78 && b[i + 6] === 0x69 && b[i + 7] === 0x66 &&
            i + 2 + length <= b.length) {
          return b.slice(i, i + 2 + length);
        }
        i += 2 + length;
      }
      return null;
    }).catch(function () { return null; });
  }
  function withSegment(url, segment) {
    if (!segment) { return url; }
    var raw = atob(url.slice(url.indexOf(',') + 1));
    var head = '';
    for (var k = 0; k < segment.length; k++) { head += String.fromCharCode(segment[k]); }
    return 'data:image/jpeg;base64,' + btoa(raw.slice(0, 2) + head + raw.slice(2));
  }
  function compress(file, maxBytes, keepLocation) {
    // Drawn on a canvas and saved as a new JPEG: the camera's EXIF (place, device, time) is not copied — unless the
    // district keeps the photo's location, then the EXIF block is put back for the server to keep the GPS only.
    var segment = keepLocation ? exifSegment(file) : Promise.resolve(null);
    return segment.then(function (seg) { return createImageBitmap(file).then(function (bitmap) {
      var extra = seg ? seg.length : 0;
      var scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      var quality = 0.75;
      var url = canvas.toDataURL('image/jpeg', quality);
      while (url.length * 0.75 + extra > maxBytes && quality > 0.3) {
        quality -= 0.15;
        url = canvas.toDataURL('image/jpeg', quality);
      }
      return withSegment(url, seg);
    }); });
  }
  function wirePhotos(form, pack) {
    var input = form.querySelector('[data-offline-photos]');
    var previews = form.querySelector('[data-offline-previews]');
    if (!input) { return; }
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files || []);
      var room = pack.photo_max_count - photos.length;
      if (files.length > room) { setMessage(M.msgPhotoTooMany); files = files.slice(0, Math.max(0, room)); }
      Promise.all(files.map(function (file) {
        return compress(file, pack.photo_max_bytes, pack.keep_photo_location).catch(function () { setMessage(M.msgPhotoFailed); return null; });
      })).then(function (urls) {
        urls.forEach(function (url) {
          if (!url) { return; }
          photos.push(url);
          var img = el('img', 'offline-thumb rounded border');
          img.src = url;
          img.alt = '';
          previews.appendChild(img);
        });
        input.value = '';
      });
    });
  }
  function wireVisitForm(form, pack) {
    var entry = showEntry(pack);
    if (!entry) { return; }
    var dateInput = form.querySelector('[name="visited_on"]');
    dateInput.value = localToday();
    dateInput.max = localToday();
    wirePhotos(form, pack);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var fd = new FormData(form);
      var hardship = fd.get('found_hardship') === '1';
      var findings = (fd.get('findings') || '').trim();
      var day = fd.get('visited_on') || '';
      var badFindings = hardship && !findings;
      var badDay = !day || day > localToday() || day < entry.since;
      showError(form, 'findings', badFindings ? undefined : null);
      showError(form, 'visited_on', badDay ? undefined : null);
      if (badFindings || badDay) { return; }
      var data = {
        entry: entry.id, visited_on: day, mode: fd.get('mode'), met_in_person: fd.get('met_in_person'),
        findings: findings, found_hardship: fd.get('found_hardship'),
        suspected_relief: hardship ? fd.getAll('suspected_relief') : [], is_urgent: hardship && fd.get('is_urgent') === 'on'
      };
      enqueue('visit', data, entry.name, photos).then(afterSave);
    });
  }
  function afterSave() {
    touch();
    window.location.href = cfg.homeUrl;
  }

  // --- logout: send first; what cannot be sent is deleted only if the assistant agrees -----------------
  function wireLogout() {
    document.querySelectorAll('form[action="' + cfg.logoutUrl + '"]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (form.dataset.offlineChecked) { return; }
        event.preventDefault();
        flush().then(function () { return idb.get('meta', 'pack'); }).then(ownQueue).then(function (items) {
          if (items.length && !window.confirm(M.msgLogout)) { return; }
          wipe(true).then(function () {
            form.dataset.offlineChecked = '1';
            form.submit();
          });
        });
      });
    });
  }

  function showNetwork() {
    document.querySelectorAll('[data-offline-network]').forEach(function (badge) {
      badge.textContent = navigator.onLine ? badge.dataset.onlineText : badge.dataset.offlineText;
      badge.classList.toggle('text-bg-light', navigator.onLine);
      badge.classList.toggle('text-bg-warning', !navigator.onLine);
    });
  }

  function registerWorker() {
    if (!('serviceWorker' in navigator) || !navigator.onLine) { return Promise.resolve(null); }
    return navigator.serviceWorker.register(cfg.swUrl, { scope: '/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }

  function start() {
    return idb.get('meta', 'pack').then(function (pack) {
      return idleExpired(pack).then(function (expired) {
        return expired ? wipe(false).then(function () { return null; }) : pack;
      });
    }).then(function (pack) {
      touch();
      ['click', 'keydown', 'touchstart'].forEach(function (name) {
        document.addEventListener(name, touch, { passive: true });
      });
      showNetwork();
      window.addEventListener('online', function () { showNetwork(); flush(); });
      window.addEventListener('offline', showNetwork);
      document.querySelectorAll('[data-offline-sync]').forEach(function (button) {
        button.addEventListener('click', function () {
          if (!navigator.onLine) { setMessage(M.msgOffline); return; }
          csrf = null;
          flush();
        });
      });
      wireLogout();
      var leadForm = document.querySelector('[data-offline-form="lead"]');
      if (leadForm) { wireLeadForm(leadForm); }
      var visitForm = document.querySelector('[data-offline-form="visit"]');
      if (visitForm && pack) { wireVisitForm(visitForm, pack); }
      if ((leadForm || visitForm) && !pack) {
        [leadForm, visitForm].forEach(function (form) { if (form) { form.classList.add('d-none'); } });
      }
      return render().then(function () {
        if (!navigator.onLine) { setMessage(M.msgOffline); return null; }
        return Promise.all([registerWorker(), refreshPack()]).then(function () { return flush(); });
      });
    }).then(function () {
      app.dataset.offlineReady = '1';
      window.setInterval(function () { if (navigator.onLine) { flush(); } }, 60000);
    }).catch(function () {
      app.dataset.offlineReady = 'error';
    });
  }

  start();
}());
