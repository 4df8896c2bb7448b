// bantin — full-text search. tim-kiem/chi-muc.js lists the years and issues; a query loads
// only the word files of its words' first letters (tim-kiem/tu/) and the article lists of
// the issues it shows (tim-kiem/bai/), each as a script, so it works from disk (file://)
// and under any sub-path. bantin/search.py writes these files and says how they are coded.
(function () {
  "use strict";
  var manifest = window.BANTIN_CHI_MUC;
  var input = document.getElementById("o-tim");
  var list = document.getElementById("ket-qua");
  var count = document.getElementById("ket-qua-dem");
  var more = document.getElementById("xem-them");
  var PAGE = 20;
  // Search once typing pauses: every keystroke's results would load other issues' lists.
  var TYPING_MS = 200;
  var END = "0123456789abcdefghijklmnopqrstuv";
  var MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var VALUE = {};
  var i;
  for (i = 0; i < 32; i++) { VALUE[END.charAt(i)] = i; VALUE[MORE.charAt(i)] = 32 + i; }

  var years = ((manifest && manifest.nam) || []).map(function (y) {
    var starts = [], n = 0;
    y[2].forEach(function (issue) { starts.push(n); n += issue[1]; });
    return { year: y[0], ver: y[1], issues: y[2], starts: starts, n: n };
  });
  var shards = {};  // "2026-t" -> {table, words (sorted), ids (decoded, by word)}
  var chunks = {};  // "2026-18" -> [issue label, [[title, url, place, summary], ...]]
  var loading = {};  // file -> Promise
  var current = 0;  // the latest query; older ones drop their results
  var found = [];
  var shown = 0;

  window.BANTIN_TU = function (key, table) {
    shards[key] = { table: table, words: null, ids: Object.create(null) };
  };
  window.BANTIN_BAI = function (key, data) { chunks[key] = data; };

  // Same folding as bantin.text.fold: no diacritics, đ -> d, lowercase.
  function fold(text) {
    return text.normalize("NFC").replace(/đ/g, "d").replace(/Đ/g, "D")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Words as bantin.search.words splits a text, each once.
  function queryWords(query) {
    var seen = Object.create(null);
    return fold(query).split(/[^a-z0-9]+/).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    }).slice(0, 32);
  }

  function shardKey(year, word) {
    var c = word.charAt(0);
    return year + "-" + (c >= "a" && c <= "z" ? c : "0");
  }

  function load(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { delete loading[src]; reject(new Error(src)); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  function decode(code, n) {
    var ids = [], prev = -1, value = 0, k, j;
    var not = code.charAt(0) === "~";
    for (k = not ? 1 : 0; k < code.length; k++) {
      var d = VALUE[code.charAt(k)];
      if (d >= 32) { value = value * 32 + d - 32; continue; }
      prev += value * 32 + d + 1;
      ids.push(prev);
      value = 0;
    }
    if (!not) return ids;
    var rest = [];
    for (k = 0, j = 0; k < n; k++) {
      if (j < ids.length && ids[j] === k) j++; else rest.push(k);
    }
    return rest;
  }

  // {all, title}: the articles (numbers within the year) a word is in, and in the title of.
  function postings(shard, word, n) {
    if (!shard.ids[word]) {
      var parts = shard.table[word].split(",");
      shard.ids[word] = { all: decode(parts[0], n), title: parts[1] ? decode(parts[1], n) : [] };
    }
    return shard.ids[word];
  }

  // The indexed words a query word stands for: itself, or (the word being typed) every word
  // it begins.
  function expand(shard, word, prefix) {
    if (!prefix) return Object.prototype.hasOwnProperty.call(shard.table, word) ? [word] : [];
    if (!shard.words) shard.words = Object.keys(shard.table).sort();
    var all = shard.words, lo = 0, hi = all.length, out = [];
    while (lo < hi) { var mid = (lo + hi) >> 1; if (all[mid] < word) lo = mid + 1; else hi = mid; }
    for (; lo < all.length && all[lo].lastIndexOf(word, 0) === 0; lo++) out.push(all[lo]);
    return out;
  }

  // The year's articles with every word: [year index, number, words in the title].
  function matchYear(y, yi, words, prefix) {
    var n = y.n, hits = new Uint8Array(n), inTitle = new Uint8Array(n), out = [];
    words.forEach(function (w, wi) {
      var shard = shards[shardKey(y.year, w)];
      var seen = new Uint8Array(n), seenTitle = new Uint8Array(n);
      expand(shard, w, prefix && wi === words.length - 1).forEach(function (word) {
        var p = postings(shard, word, n);
        p.all.forEach(function (k) { seen[k] = 1; });
        p.title.forEach(function (k) { seenTitle[k] = 1; });
      });
      for (var k = 0; k < n; k++) { hits[k] += seen[k]; inTitle[k] += seenTitle[k]; }
    });
    for (var k = 0; k < n; k++) {
      if (hits[k] === words.length) out.push([yi, k, inTitle[k]]);
    }
    return out;
  }

  function formatCount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function say(text) { count.textContent = text; }

  // The list is aria-busy from a keystroke until its results are shown.
  function busy(on) {
    if (on) list.setAttribute("aria-busy", "true"); else list.removeAttribute("aria-busy");
  }

  function failed() {
    say("Không tải được chỉ mục tìm kiếm. Hãy tải lại trang.");
    busy(false);
  }

  function search(query) {
    var seq = ++current;
    busy(true);
    var words = queryWords(query);
    var prefix = !/\s$/.test(query);  // the last word may still be being typed
    list.textContent = "";
    more.hidden = true;
    found = [];
    shown = 0;
    if (!words.length) { say(""); busy(false); return; }
    if (!manifest || !manifest.nam) { failed(); return; }
    var files = {};
    years.forEach(function (y) {
      words.forEach(function (w) {
        var key = shardKey(y.year, w);
        if (!shards[key]) files["tu/" + key + ".js?v=" + y.ver] = true;
      });
    });
    var needed = Object.keys(files);
    if (needed.length) say("Đang tìm…");
    Promise.all(needed.map(load)).then(function () {
      if (seq !== current) return;
      var all = [];
      years.forEach(function (y, yi) { all = all.concat(matchYear(y, yi, words, prefix)); });
      // More query words in the title first, then newest first.
      all.sort(function (a, b) { return b[2] - a[2] || a[0] - b[0] || a[1] - b[1]; });
      found = all;
      if (!found.length) {
        say("Không tìm thấy bài nào. Thử bỏ bớt từ hoặc gõ không dấu.");
        busy(false);
        return;
      }
      say("Tìm thấy " + formatCount(found.length) + " bài");
      showMore(seq);
    }, function () { if (seq === current) failed(); });
  }

  // Where article k of a year is listed: [chunk key, position, file].
  function place(y, k) {
    var lo = 0, hi = y.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (y.starts[mid] <= k) lo = mid; else hi = mid - 1;
    }
    var key = y.year + "-" + y.issues[lo][0];
    return [key, k - y.starts[lo], "bai/" + key + ".js?v=" + y.ver];
  }

  function showMore(seq) {
    var page = found.slice(shown, shown + PAGE).map(function (r) {
      return place(years[r[0]], r[1]);
    });
    shown += page.length;
    more.hidden = true;
    busy(true);
    Promise.all(page.map(function (p) { return load(p[2]); })).then(function () {
      if (seq !== current) return;
      page.forEach(function (p) { list.appendChild(item(chunks[p[0]], p[1])); });
      if (shown < found.length) {
        more.textContent = "Xem thêm " + Math.min(PAGE, found.length - shown) + " bài";
        more.hidden = false;
      }
      busy(false);
    }, function () { if (seq === current) failed(); });
  }

  function item(chunk, n) {
    var e = chunk[1][n];
    var li = document.createElement("li");
    var h = document.createElement("h3");
    var a = document.createElement("a");
    a.href = "../" + e[1];
    a.textContent = e[0];
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.textContent = "Bản tin " + chunk[0] + (e[2] ? " · " + e[2] : "") + " — " + e[3];
    li.appendChild(h);
    li.appendChild(meta);
    return li;
  }

  more.addEventListener("click", function () { showMore(current); });
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  search(q);
  var typing = 0;
  input.addEventListener("input", function () {
    busy(true);
    clearTimeout(typing);
    typing = setTimeout(function () { search(input.value); }, TYPING_MS);
  });
})();
