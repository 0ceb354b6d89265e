/*
 * Switchboard web chat widget. Embed with
 *   <script src="https://your-switchboard/switchboard/webchat/widget.js" data-server="https://your-switchboard" async></script>
 * Plain browser JavaScript, no build step, no dependencies. Kept ASCII (other text as \u escapes)
 * so it runs the same on a page of any encoding.
 *
 * Nothing the visitor writes is lost or sent twice: every message gets a clientMessageId and waits
 * in an outbox in localStorage until the server answers 202; it is retried with back-off (and at
 * once when the browser is back online or the stream reconnects) with the same clientMessageId,
 * which the server deduplicates. Replies come on a server-sent event stream whose ids the browser
 * resends on reconnect; they are shown once each, by message id.
 */
(function () {
  'use strict';

  if (window.SwitchboardWebchat) { return; }

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1];
  }());
  var data = (script && script.dataset) || {};
  var server = (data.server || (script && script.src ? new URL(script.src, location.href).origin : location.origin))
    .replace(/\/+$/, '');
  var API = server + '/switchboard/api/webchat';
  var lang = data.lang || ((navigator.language || '').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en');
  var REQUEST_TIMEOUT = Number(data.requestTimeout) || 15000;
  var MAX_BACKOFF = 30000;
  var TRANSCRIPT_LIMIT = 200;

  var TEXT = {
    zh: {
      title: '\u5728\u7ebf\u5ba2\u670d', placeholder: '\u8bf7\u8f93\u5165\u6d88\u606f\u2026', send: '\u53d1\u9001', launcher: '\u5728\u7ebf\u54a8\u8be2', close: '\u6536\u8d77',
      sending: '\u53d1\u9001\u4e2d\u2026', sent: '\u5df2\u53d1\u9001', failed: '\u53d1\u9001\u5931\u8d25', online: '', connecting: '\u6b63\u5728\u8fde\u63a5\u2026',
      offline: '\u7f51\u7edc\u5df2\u65ad\u5f00\uff0c\u6062\u590d\u540e\u4f1a\u81ea\u52a8\u53d1\u9001', agent: '\u5ba2\u670d', you: '\u6211'
    },
    en: {
      title: 'Chat with us', placeholder: 'Type a message\u2026', send: 'Send', launcher: 'Chat', close: 'Minimise',
      sending: 'Sending\u2026', sent: 'Sent', failed: 'Not sent', online: '', connecting: 'Connecting\u2026',
      offline: 'You are offline; messages will be sent when the connection is back', agent: 'Agent', you: 'You'
    }
  };
  var t = TEXT[lang] || TEXT.en;

  // ---- storage: localStorage, or memory where the browser refuses it -----------------------------

  var PREFIX = 'switchboard.webchat.' + server + '.';
  var memory = {};
  var store = {
    get: function (key, fallback) {
      var raw;
      try { raw = window.localStorage.getItem(PREFIX + key); } catch (e) { raw = memory[key]; }
      if (raw === null || raw === undefined) { return fallback; }
      try { return JSON.parse(raw); } catch (e) { return fallback; }
    },
    set: function (key, value) {
      var raw = JSON.stringify(value);
      try { window.localStorage.setItem(PREFIX + key, raw); } catch (e) { memory[key] = raw; }
    }
  };

  function randomId(bytes) {
    var b = new Uint8Array(bytes);
    window.crypto.getRandomValues(b);
    var s = btoa(String.fromCharCode.apply(null, b));
    return s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** The visitor's key to their conversation and stream: 128 random bits, kept across visits. */
  var visitorId = store.get('visitorId', null);
  if (typeof visitorId !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(visitorId)) {
    visitorId = randomId(16);
    store.set('visitorId', visitorId);
  }

  // transcript: what the visitor sees, [{own, id, clientMessageId, text, time, state, agentId}]
  // outbox: what waits for a 202, [{clientMessageId, text, time}], oldest first
  function transcript() { return store.get('transcript', []); }
  function outbox() { return store.get('outbox', []); }

  function saveTranscript(items) {
    // the oldest go first, but never a message still waiting to be sent
    while (items.length > TRANSCRIPT_LIMIT) {
      var i = items.findIndex(function (m) { return !(m.own && m.state === 'sending'); });
      if (i < 0) { break; }
      items.splice(i, 1);
    }
    store.set('transcript', items);
  }

  function update(clientMessageId, change) {
    var items = transcript();
    items.forEach(function (m) {
      if (m.own && m.clientMessageId === clientMessageId) { Object.assign(m, change); }
    });
    saveTranscript(items);
  }

  // ---- the view ---------------------------------------------------------------------------------

  var STYLE = [
    '.sb-webchat{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.45 system-ui,-apple-system,',
    '"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2933}',
    '.sb-webchat.sb-inline{position:static}',
    '.sb-webchat *{box-sizing:border-box}',
    '.sb-webchat [hidden]{display:none!important}',
    '.sb-launcher{border:0;border-radius:24px;padding:10px 18px;background:#2563eb;color:#fff;font:inherit;',
    'cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}',
    '.sb-panel{width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 40px);display:flex;',
    'flex-direction:column;background:#fff;border:1px solid #d9e2ec;border-radius:12px;overflow:hidden;',
    'box-shadow:0 8px 30px rgba(0,0,0,.18)}',
    '.sb-inline .sb-panel{box-shadow:none;width:100%}',
    '.sb-head{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#2563eb;color:#fff}',
    '.sb-head button{border:0;background:transparent;color:#fff;font:inherit;cursor:pointer}',
    '.sb-messages{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}',
    '.sb-message{max-width:80%;padding:7px 11px;border-radius:12px;background:#fff;border:1px solid #e4e7eb;',
    'align-self:flex-start;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.sb-message.sb-own{align-self:flex-end;background:#dbeafe;border-color:#bfdbfe}',
    '.sb-message .sb-meta{display:block;font-size:11px;color:#7b8794;margin-top:2px}',
    '.sb-message[data-state="sending"]{opacity:.7}',
    '.sb-message[data-state="failed"]{border-color:#dc2626}',
    '.sb-status{padding:4px 12px;font-size:12px;color:#b45309;background:#fffbea}',
    '.sb-status:empty{display:none}',
    '.sb-form{display:flex;gap:6px;padding:8px;border-top:1px solid #e4e7eb}',
    '.sb-form textarea{flex:1;resize:none;border:1px solid #cbd2d9;border-radius:8px;padding:6px 8px;font:inherit;height:40px}',
    '.sb-form button{border:0;border-radius:8px;padding:0 14px;background:#2563eb;color:#fff;font:inherit;cursor:pointer}'
  ].join('');

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  var root, panel, launcher, list, input, sendButton, statusLine;

  function build() {
    if (!document.getElementById('sb-webchat-style')) {
      var style = el('style');
      style.id = 'sb-webchat-style';
      style.textContent = STYLE;
      document.head.appendChild(style);
    }
    var host = data.container ? document.getElementById(data.container) : null;
    root = el('div', 'sb-webchat' + (host ? ' sb-inline' : ''));
    root.id = 'sb-webchat';
    root.dataset.visitorId = visitorId;
    root.lang = lang === 'zh' ? 'zh-CN' : 'en';

    launcher = el('button', 'sb-launcher', t.launcher);
    launcher.id = 'sb-launcher';
    launcher.type = 'button';
    launcher.addEventListener('click', function () { setOpen(true); });

    panel = el('section', 'sb-panel');
    panel.id = 'sb-panel';
    panel.setAttribute('aria-label', data.title || t.title);
    var head = el('div', 'sb-head');
    head.appendChild(el('span', null, data.title || t.title));
    var minimise = el('button', null, '\u2013');
    minimise.id = 'sb-minimise';
    minimise.type = 'button';
    minimise.title = t.close;
    minimise.hidden = !!host;
    minimise.addEventListener('click', function () { setOpen(false); });
    head.appendChild(minimise);

    list = el('div', 'sb-messages');
    list.id = 'sb-messages';
    list.setAttribute('role', 'log');
    list.setAttribute('aria-live', 'polite');

    statusLine = el('div', 'sb-status');
    statusLine.id = 'sb-status';

    var form = el('form', 'sb-form');
    input = el('textarea');
    input.id = 'sb-input';
    input.placeholder = t.placeholder;
    input.setAttribute('aria-label', t.placeholder);
    input.maxLength = 4000;
    input.addEventListener('keydown', function (e) {
      // Enter sends; not while an input method is composing (Chinese, Japanese) nor with Shift
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submit();
      }
    });
    sendButton = el('button', null, t.send);
    sendButton.id = 'sb-send';
    sendButton.type = 'submit';
    form.appendChild(input);
    form.appendChild(sendButton);
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });

    panel.appendChild(head);
    panel.appendChild(list);
    panel.appendChild(statusLine);
    panel.appendChild(form);
    root.appendChild(launcher);
    root.appendChild(panel);
    (host || document.body).appendChild(root);
    setOpen(!!host || data.open === 'true' || store.get('open', false));
    var conversationId = store.get('conversationId', null);
    if (conversationId) { root.dataset.conversationId = conversationId; }
    render();
  }

  function setOpen(open) {
    panel.hidden = !open;
    launcher.hidden = open;
    store.set('open', open);
    if (open) {
      list.scrollTop = list.scrollHeight;
      input.focus();
    }
  }

  function timeOf(iso) {
    var d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function render() {
    if (!list) { return; }
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren();
    transcript().forEach(function (m) {
      var div = el('div', 'sb-message' + (m.own ? ' sb-own' : ''), m.text);
      div.dataset.messageId = m.id || m.clientMessageId;
      div.dataset.direction = m.own ? 'INBOUND' : 'OUTBOUND';
      if (m.own) {
        div.dataset.clientMessageId = m.clientMessageId;
        div.dataset.state = m.state;
      }
      var meta = timeOf(m.time);
      if (m.own) { meta += ' \u00b7 ' + (m.state === 'sent' ? t.sent : m.state === 'failed' ? t.failed : t.sending); }
      if (m.own && m.state === 'failed' && m.reason) { div.title = m.reason; }
      div.appendChild(el('span', 'sb-meta', meta));
      list.appendChild(div);
    });
    if (atBottom) { list.scrollTop = list.scrollHeight; }
  }

  function showStatus() {
    if (!root) { return; }
    var waiting = outbox().length > 0;
    var text = '';
    if (!navigator.onLine || (waiting && retryTimer)) {
      text = t.offline;
    } else if (!streamOpen) {
      text = t.connecting;
    }
    statusLine.textContent = text;
    root.dataset.connection = streamOpen ? 'online' : 'offline';
  }

  // ---- sending ----------------------------------------------------------------------------------

  var sending = false;
  var retryTimer = null;
  var backoff = 1000;

  function submit() {
    var text = input.value.trim();
    if (!text) { return; }
    input.value = '';
    send(text);
  }

  function send(text) {
    var message = { clientMessageId: randomId(12), text: text, time: new Date().toISOString() };
    // the outbox first: a page closed right now still sends it on the next visit
    var box = outbox();
    box.push(message);
    store.set('outbox', box);
    var items = transcript();
    items.push({ own: true, clientMessageId: message.clientMessageId, text: text, time: message.time, state: 'sending' });
    saveTranscript(items);
    render();
    list.scrollTop = list.scrollHeight;
    flush();
  }

  function PostFailure(permanent, reason) {
    this.permanent = permanent;
    this.reason = reason;
  }

  function post(message) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, REQUEST_TIMEOUT);
    return fetch(API + '/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=UTF-8', 'Accept': 'application/json' },
      body: JSON.stringify({ visitorId: visitorId, text: message.text, clientMessageId: message.clientMessageId }),
      signal: abort.signal,
      cache: 'no-store'
    }).then(function (res) {
      clearTimeout(timer);
      if (res.status === 202) { return res.json(); }
      return res.text().then(function (body) {
        var detail = body;
        try { detail = JSON.parse(body).detail || body; } catch (e) { /* not a problem document */ }
        // 408, 429 and 5xx may pass; any other refusal would be refused again
        var permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
        throw new PostFailure(permanent, res.status + ' ' + detail);
      });
    }, function (e) {
      clearTimeout(timer);
      throw new PostFailure(false, String(e && e.message || e));
    });
  }

  /** Sends the outbox, oldest first and one at a time, so the conversation keeps the visitor's order. */
  function flush() {
    if (sending) { return; }
    var next = outbox()[0];
    if (!next) {
      backoff = 1000;
      showStatus();
      return;
    }
    sending = true;
    clearTimeout(retryTimer);
    retryTimer = null;
    post(next).then(function (accepted) {
      sending = false;
      backoff = 1000;
      done(next, { state: 'sent', id: accepted.messageId });
      if (accepted.conversationId) {
        store.set('conversationId', accepted.conversationId);
        root.dataset.conversationId = accepted.conversationId;
      }
      flush();
    }, function (failure) {
      sending = false;
      if (failure.permanent) {
        done(next, { state: 'failed', reason: failure.reason });
        flush();
        return;
      }
      var wait = backoff + Math.floor(Math.random() * backoff / 2);
      backoff = Math.min(MAX_BACKOFF, backoff * 2);
      retryTimer = setTimeout(function () { retryTimer = null; flush(); }, wait);
      showStatus();
    });
  }

  function done(message, change) {
    store.set('outbox', outbox().filter(function (m) { return m.clientMessageId !== message.clientMessageId; }));
    update(message.clientMessageId, change);
    render();
    showStatus();
  }

  /** Now, not at the end of the back-off: the network is back. */
  function retryNow() {
    backoff = 1000;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    flush();
  }

  // ---- receiving --------------------------------------------------------------------------------

  var stream = null;
  var streamOpen = false;
  var streamBackoff = 1000;

  function connect() {
    var last = store.get('lastEventId', 0);
    // the browser sends Last-Event-ID itself when it reconnects; the query covers a new page
    stream = new EventSource(API + '/stream?visitorId=' + encodeURIComponent(visitorId) + (last ? '&lastEventId=' + last : ''));
    stream.addEventListener('open', function () {
      streamOpen = true;
      streamBackoff = 1000;
      showStatus();
      retryNow();
    });
    stream.addEventListener('message', function (e) {
      var seq = Number(e.lastEventId);
      if (seq > store.get('lastEventId', 0)) { store.set('lastEventId', seq); }
      var message;
      try { message = JSON.parse(e.data); } catch (x) { return; }
      receive(message);
    });
    stream.addEventListener('error', function () {
      streamOpen = false;
      showStatus();
      if (stream.readyState === EventSource.CLOSED) {
        // refused outright (the browser retries only cut connections): try again later ourselves
        stream = null;
        setTimeout(connect, streamBackoff);
        streamBackoff = Math.min(MAX_BACKOFF, streamBackoff * 2);
      }
    });
  }

  function textOf(message) {
    return (message.parts || []).map(function (p) {
      if (p.kind === 'TEXT') { return p.text; }
      if (p.kind === 'EVENT') { return ''; }
      return p.url ? (p.name || p.url) + ' ' + p.url : '[' + String(p.kind).toLowerCase() + ']';
    }).filter(function (s) { return s; }).join('\n');
  }

  function receive(message) {
    if (!message || !message.id) { return; }
    var items = transcript();
    if (items.some(function (m) { return m.id === message.id; })) { return; }
    var text = textOf(message);
    if (!text) { return; }
    items.push({ own: false, id: message.id, text: text, time: message.time, agentId: message.agentId });
    saveTranscript(items);
    render();
    list.scrollTop = list.scrollHeight;
  }

  // ---- start ------------------------------------------------------------------------------------

  function start() {
    // a message in the outbox that the transcript lost (storage trimmed by hand) is shown again
    var items = transcript();
    outbox().forEach(function (m) {
      if (!items.some(function (i) { return i.own && i.clientMessageId === m.clientMessageId; })) {
        items.push({ own: true, clientMessageId: m.clientMessageId, text: m.text, time: m.time, state: 'sending' });
      }
    });
    saveTranscript(items);
    build();
    window.addEventListener('online', retryNow);
    window.addEventListener('offline', showStatus);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') { retryNow(); }
    });
    // another tab of the same site sent or received: show it here too
    window.addEventListener('storage', function (e) {
      if (e.key === PREFIX + 'transcript') { render(); }
    });
    connect();
    flush();
  }

  window.SwitchboardWebchat = {
    visitorId: visitorId,
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    send: function (text) { if (String(text || '').trim()) { send(String(text).trim()); } }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
