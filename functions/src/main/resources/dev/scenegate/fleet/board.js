// scenegate board: live filtering of the fleet grid and refresh by polling. No framework, and no
// HTML is ever built from data here: the server escapes every value into the page, and a refresh
// swaps in <main> from the server's own page, parsed inertly (scripts in it never run).
(function () {
  'use strict';

  function rows() {
    return document.querySelectorAll('table.grid tbody tr');
  }

  function applyFilters() {
    var verdict = document.getElementById('verdict');
    var text = document.getElementById('q');
    if (!verdict || !text) {
      return;
    }
    var v = verdict.value;
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      var row = all[i];
      var okVerdict = !v || row.getAttribute('data-verdict') === v ||
        (v === 'stale' && row.getAttribute('data-stale') === 'true');
      var okText = !q || (row.getAttribute('data-search') || '').indexOf(q) >= 0;
      row.hidden = !(okVerdict && okText);
      if (!row.hidden) {
        shown++;
      }
    }
    var status = document.getElementById('shown');
    if (status) {
      status.textContent = shown + ' of ' + all.length + ' scenes shown';
    }
  }

  function bindFilters() {
    var form = document.getElementById('filters');
    if (!form) {
      return;
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      applyFilters();
    });
    document.getElementById('verdict').addEventListener('change', applyFilters);
    document.getElementById('q').addEventListener('input', applyFilters);
    applyFilters();
  }

  function refreshPage() {
    return fetch(window.location.href, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelector('main');
        var current = document.querySelector('main');
        if (!fresh || !current) {
          return;
        }
        var focused = document.activeElement;
        var focusHref = focused && current.contains(focused) ? focused.getAttribute('href') : null;
        current.replaceWith(document.adoptNode(fresh));
        document.body.setAttribute('data-version', doc.body.getAttribute('data-version') || '');
        if (focusHref) {
          var again = document.querySelector('main a[href="' + CSS.escape(focusHref) + '"]');
          if (again) {
            again.focus();
          }
        }
        applyFilters();
      });
  }

  function poll() {
    var endpoint = document.body.getAttribute('data-poll');
    if (!endpoint) {
      return; // a snapshot: nothing to poll
    }
    var interval = parseInt(document.body.getAttribute('data-interval') || '5000', 10);
    var note = document.getElementById('refresh-state');
    function tick() {
      fetch(endpoint, { cache: 'no-store', credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok) {
            throw new Error('HTTP ' + r.status);
          }
          return r.json();
        })
        .then(function (fleet) {
          if (fleet.version !== document.body.getAttribute('data-version')) {
            return refreshPage();
          }
        })
        .then(function () {
          if (note) {
            note.textContent = 'checked ' + new Date().toLocaleTimeString();
          }
        })
        .catch(function (e) {
          if (note) {
            note.textContent = 'refresh failed (' + e.message + '); retrying';
          }
        })
        .then(function () {
          window.setTimeout(tick, interval);
        });
    }
    window.setTimeout(tick, interval);
  }

  bindFilters();
  poll();
})();
