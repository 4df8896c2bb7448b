// bantin — client-side search over tim-kiem/chi-muc.js (works from disk, no server needed).
(function () {
  "use strict";
  var index = window.BANTIN_CHI_MUC || [];
  var input = document.getElementById("o-tim");
  var list = document.getElementById("ket-qua");
  var count = document.getElementById("ket-qua-dem");
  var LIMIT = 50;

  // Same folding as bantin.text.fold: no diacritics, đ -> d, lowercase.
  function fold(text) {
    return text.normalize("NFC").replace(/đ/g, "d").replace(/Đ/g, "D")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { count.textContent = ""; return; }
    var found = index.filter(function (e) {
      return words.every(function (w) { return e.f.indexOf(w) !== -1; });
    });
    count.textContent = found.length ? "Tìm thấy " + found.length + " bài" +
      (found.length > LIMIT ? " (hiện " + LIMIT + " bài mới nhất)" : "") :
      "Không tìm thấy bài nào. Thử bỏ bớt từ hoặc gõ không dấu.";
    found.slice(0, LIMIT).forEach(function (e) {
      var li = document.createElement("li");
      var h = document.createElement("h3");
      var a = document.createElement("a");
      a.href = "../" + e.u;
      a.textContent = e.t;
      h.appendChild(a);
      var meta = document.createElement("p");
      meta.textContent = "Bản tin " + e.s + (e.c ? " · " + e.c : "") + " — " + e.d;
      li.appendChild(h);
      li.appendChild(meta);
      list.appendChild(li);
    });
  }

  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  show(q);
  input.addEventListener("input", function () { show(input.value); });
})();
