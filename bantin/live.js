// bantin serve: live reload and build messages for the preview (never part of a built site).
// Events from /__bantin/events, each with a JSON payload {"version": n, "messages": [...]}:
//   reload   - a build finished writing: load the page again
//   ok       - on connect: the site builds (reload if a build happened while disconnected)
//   error    - the last build failed: show its messages on top of the last good page
//   warnings - warnings and repeat-check findings of the last good build
//   pdf      - {"state": "rendering"|"ready"|"failed", "issue", "url", "message"}
(function () {
  "use strict";
  if (window.__bantinLive) return;
  var live = window.__bantinLive = { version: null, connected: false };
  var BASE = "all:initial;display:block;position:fixed;z-index:2147483647;box-sizing:border-box;" +
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b1b;";
  var MONO = "display:block;margin:4px 0 0;white-space:pre-wrap;word-break:break-word;" +
    "font:13px/1.4 ui-monospace,'DejaVu Sans Mono',Consolas,monospace;";

  function payload(e) {
    try { return JSON.parse(e.data) || {}; } catch (err) { return {}; }
  }

  function el(tag, css, text) {
    var node = document.createElement(tag);
    if (css) node.style.cssText = css;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function place(id, css) {
    var node = document.getElementById(id);
    if (!node) {
      node = el("div");
      node.id = id;
      (document.body || document.documentElement).appendChild(node);
    }
    node.style.cssText = BASE + css;
    node.textContent = "";
    return node;
  }

  function remove(id) {
    var node = document.getElementById(id);
    if (node) node.parentNode.removeChild(node);
  }

  function lines(parent, messages) {
    (messages || []).forEach(function (line) { parent.appendChild(el("div", MONO, line)); });
  }

  function showError(messages) {
    var box = place("bantin-loi", "top:0;left:0;right:0;max-height:70vh;overflow:auto;" +
      "padding:12px 16px;background:#fff3f3;border-bottom:3px solid #b3261e;" +
      "box-shadow:0 2px 12px rgba(0,0,0,.25);");
    box.setAttribute("role", "alert");
    box.appendChild(el("strong", "display:block;font-weight:700;font-size:15px;color:#8c1d18;",
      "Bản tin chưa dựng lại được — đang hiện bản dựng gần nhất"));
    lines(box, messages);
    box.appendChild(el("div", "display:block;margin-top:8px;color:#555;",
      "Sửa tệp rồi lưu lại: trang tự tải lại khi dựng được."));
  }

  function showWarnings(messages) {
    if (!messages || !messages.length) { remove("bantin-canh-bao"); return; }
    var wasOpen = !!document.querySelector("#bantin-canh-bao details[open]");
    var box = place("bantin-canh-bao", "left:12px;bottom:12px;max-width:min(92vw,760px);" +
      "background:#fffbe6;border:1px solid #c9a400;border-radius:6px;padding:6px 10px;" +
      "box-shadow:0 1px 6px rgba(0,0,0,.2);");
    var details = el("details", "display:block;");
    details.open = wasOpen;
    details.appendChild(el("summary", "display:list-item;cursor:pointer;font-weight:600;",
      "Cảnh báo khi dựng (" + messages.length + ")"));
    var list = el("div", "display:block;max-height:40vh;overflow:auto;");
    lines(list, messages);
    details.appendChild(list);
    box.appendChild(details);
  }

  function shortIssue(issue) {
    return String(issue || "").replace(/\s*\(.*\)\s*$/, "");
  }

  function showPdf(data) {
    var box = place("bantin-pdf", "right:12px;bottom:12px;max-width:min(92vw,420px);" +
      "background:#f3f7ff;border:1px solid #5b7fc7;border-radius:6px;padding:6px 30px 6px 10px;" +
      "box-shadow:0 1px 6px rgba(0,0,0,.2);");
    var issue = shortIssue(data.issue);
    var text = el("span", "display:inline;");
    if (data.state === "rendering") {
      text.textContent = "Đang in lại PDF " + issue + "…";
    } else if (data.state === "ready") {
      text.textContent = "Đã in xong PDF " + issue + " — ";
      var url = String(data.url || "");
      var link = el("a", "display:inline;color:#1a4fb5;text-decoration:underline;cursor:pointer;",
        "mở bản PDF");
      link.href = /^(https?:)?\//.test(url) ? url : "/" + url;
      link.target = "_blank";
      text.appendChild(link);
    } else if (data.state === "failed") {
      text.textContent = "Chưa in được PDF " + issue + ": " + (data.message || "");
      box.style.background = "#fff3f3";
      box.style.borderColor = "#b3261e";
    } else {
      remove("bantin-pdf");
      return;
    }
    box.appendChild(text);
    var close = el("button", "position:absolute;top:2px;right:6px;border:0;background:none;" +
      "font:18px/1 sans-serif;cursor:pointer;color:#444;", "×");
    close.title = "Đóng";
    close.addEventListener("click", function () { remove("bantin-pdf"); });
    box.appendChild(close);
  }

  function connect() {
    var source = new EventSource("/__bantin/events");
    source.addEventListener("open", function () { live.connected = true; });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("ok", function (e) {
      var data = payload(e);
      // A build finished while this page was not listening (server restarted or link lost).
      if (live.version !== null && data.version !== live.version) { location.reload(); return; }
      live.version = data.version;
      remove("bantin-loi");
    });
    source.addEventListener("error", function (e) {
      if (typeof e.data !== "string") { live.connected = false; return; }  // link lost
      var data = payload(e);
      live.version = data.version;
      showError(data.messages);
    });
    source.addEventListener("warnings", function (e) { showWarnings(payload(e).messages); });
    source.addEventListener("pdf", function (e) { showPdf(payload(e)); });
  }

  if (window.EventSource) connect();
})();
