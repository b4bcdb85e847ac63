// newsearch: progressive enhancement only. Every page works without this
// script; with it, "/" focuses the search box, results follow the query as
// it is typed, and j/k (or the arrow keys) move between results.
(function () {
  'use strict';

  var form = document.querySelector('form.search');
  var box = document.getElementById('q');
  if (!form || !box) {
    return;
  }

  // The keys below work only with this script: show their legend.
  var legend = document.querySelector('footer .keys');
  if (legend) {
    legend.hidden = false;
  }

  function isTyping(el) {
    if (!el) {
      return false;
    }
    var tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  // ---- moving between results (or, on an article, between its hits) ----

  function items() {
    var links = document.querySelectorAll('.results .rtitle a');
    if (links.length) {
      return Array.prototype.slice.call(links);
    }
    var hits = document.querySelectorAll('.article p.hit');
    Array.prototype.forEach.call(hits, function (p) {
      if (!p.hasAttribute('tabindex')) {
        p.setAttribute('tabindex', '-1');
      }
    });
    return Array.prototype.slice.call(hits);
  }

  function current(list) {
    var el = document.activeElement;
    for (var i = 0; i < list.length; i++) {
      var holder = list[i].closest('.result') || list[i];
      if (holder === el || holder.contains(el)) {
        return i;
      }
    }
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      var j = list.indexOf(target);
      if (j >= 0) {
        return j;
      }
    }
    return -1;
  }

  function move(step) {
    var list = items();
    if (!list.length) {
      return false;
    }
    var i = current(list);
    var next = i < 0 ? (step > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + step));
    var el = list[next];
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: el.classList.contains('hit') ? 'center' : 'nearest' });
    return true;
  }

  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) {
      return;
    }
    var active = document.activeElement;
    if (active === box) {
      if (e.key === 'Escape') {
        box.blur();
      } else if (e.key === 'ArrowDown' && document.querySelector('.results .rtitle a')) {
        e.preventDefault();
        move(1);
      }
      return;
    }
    if (isTyping(active)) {
      return;
    }
    var inResult = active && active.closest && active.closest('.result');
    switch (e.key) {
      case '/':
        e.preventDefault();
        box.focus();
        box.select();
        break;
      case 'j':
        if (move(1)) {
          e.preventDefault();
        }
        break;
      case 'k':
        if (move(-1)) {
          e.preventDefault();
        }
        break;
      case 'ArrowDown':
      case 'ArrowUp':
        // Arrows only move between results once one has the focus, so
        // that they still scroll the page otherwise.
        if (inResult && move(e.key === 'ArrowDown' ? 1 : -1)) {
          e.preventDefault();
        }
        break;
    }
  });

  // ---- search as you type ----

  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.AbortController) {
    return;
  }
  var main = document.querySelector('main');
  var slot = document.getElementById('qerror-slot');
  var timer = 0;
  var pending = null;
  var shown = box.value;

  function pageURL() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (value !== '') {
        params.append(name, value);
      }
    });
    if (!box.value.trim()) {
      return '/';
    }
    return '/?' + params.toString();
  }

  function update() {
    var q = box.value;
    if (q === shown) {
      return;
    }
    var url = pageURL();
    if (pending) {
      pending.abort();
    }
    var ctrl = new AbortController();
    pending = ctrl;
    main.classList.add('loading');
    fetch(url, { signal: ctrl.signal, credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (resp) {
        // A 400 is a query still being typed ("unclosed): keep the
        // results; Enter shows the error next to the box.
        return resp.ok ? resp.text() : null;
      })
      .then(function (html) {
        if (pending !== ctrl) {
          return;
        }
        pending = null;
        main.classList.remove('loading');
        if (html === null || box.value !== q) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var newMain = doc.querySelector('main');
        if (!newMain) {
          return;
        }
        main.replaceChildren.apply(main, Array.prototype.slice.call(document.adoptNode(newMain).childNodes));
        var newSlot = doc.getElementById('qerror-slot');
        if (slot && newSlot) {
          slot.replaceChildren.apply(slot, Array.prototype.slice.call(document.adoptNode(newSlot).childNodes));
        }
        box.removeAttribute('aria-invalid');
        box.removeAttribute('aria-describedby');
        document.title = doc.title;
        history.replaceState(null, '', url);
        shown = q;
      })
      .catch(function () {
        if (pending === ctrl) {
          pending = null;
          main.classList.remove('loading');
        }
      });
  }

  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  });
  form.addEventListener('submit', function () {
    clearTimeout(timer);
    if (pending) {
      pending.abort();
      pending = null;
    }
  });
})();
