/*
 * Switchboard Field: the couriers' and technicians' phone app. Plain browser JavaScript, no build step,
 * nothing loaded from elsewhere. It speaks the work-orders API (docs/workorders.md), the customers and
 * conversations API (docs/agent-api.md), and follows the desk's event stream for work-order events, so
 * a dispatcher's change shows at once. Only while that stream is down does it poll, every 15 s.
 * Every text from the server is put in with textContent, never as HTML.
 */
(function () {
  'use strict';

  var API = '/switchboard/api';
  var SESSION_KEY = 'switchboard.field.session';
  var EVENT_TYPES = ['workorder.created', 'workorder.changed', 'workorder.escalated', 'workorder.rated'];
  var POLL_MS = 15000;
  var PHONE_CHANNELS = ['voice', 'sms'];
  // photos are scaled down before upload: a phone's 12 MP original is slow on a site's network and
  // larger than the server takes (8 MB)
  var PHOTO_MAX_SIDE = 1600;
  var PHOTO_QUALITY = 0.85;
  var REPLY_RETRIES = 3;

  // the shipped types' states, for people; a state configured elsewhere shows its own name
  var STATE_LABELS = {
    'new': '新建 new', assigned: '已派单 assigned', en_route: '出发 en route', picked_up: '已取件 picked up',
    delivered: '已送达 delivered', closed: '关闭 closed', cancelled: '取消 cancelled',
    dispatched: '已派工 dispatched', on_site: '已到达 on site', fixed: '已修复 fixed',
    investigating: '处理中 investigating', answered: '已答复 answered'
  };

  var state = {
    session: null,
    types: {},              // name -> WorkOrderType
    orders: [],             // ?mine=true
    customers: {},          // id -> Customer, or a promise while it loads
    order: null,            // the open order
    history: [],
    pendingMessage: null,   // {replyId, conversationId, text}: kept until a 201, so a retry is the same message
    photoUrls: [],          // blob: URLs of the open order's photos, revoked when it closes
    stream: null,
    streamBackoff: 1000,
    live: false,
    reloadTimer: null,
    expiryTimer: null
  };

  function $(selector) { return document.querySelector(selector); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function enc(s) { return encodeURIComponent(s); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function time(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d)) { return iso; }
    var today = new Date();
    var hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
    return d.toDateString() === today.toDateString() ? hm : (d.getMonth() + 1) + '/' + d.getDate() + ' ' + hm;
  }

  function stateLabel(s) { return STATE_LABELS[s] || String(s || '').replace(/_/g, ' '); }

  function typeOf(order) { return state.types[order.type] || null; }

  function typeTitle(order) {
    var t = typeOf(order);
    return t && t.title ? t.title : order.type;
  }

  function isDone(order) {
    var t = typeOf(order);
    return !!(t && (t.terminal || []).indexOf(order.state) >= 0);
  }

  function isOverdue(order) {
    return !!order.dueAt && !isDone(order) && new Date(order.dueAt).getTime() < Date.now();
  }

  function dueText(order) {
    if (!order.dueAt) { return '无截止时间 no due time'; }
    return (isOverdue(order) ? '已超时 OVERDUE · ' : '截止 due ') + time(order.dueAt);
  }

  var toastTimer = null;
  function toast(text) {
    var t = $('#toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 6000);
  }

  function setStatus(selector, text, isError) {
    var s = $(selector);
    s.textContent = text || '';
    s.classList.toggle('error', !!isError);
  }

  // ---- the API ----------------------------------------------------------------------------------

  function ApiError(status, problem) {
    this.status = status;
    this.problem = problem || {};
    this.message = (this.problem.detail || this.problem.title || ('HTTP ' + status));
  }
  ApiError.prototype = Object.create(Error.prototype);

  /** body: undefined (none), a Blob (sent as it is, its type kept) or anything JSON. */
  function api(method, path, body, as) {
    var headers = { 'Accept': 'application/json' };
    var payload;
    if (body instanceof Blob) {
      headers['Content-Type'] = body.type || 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json; charset=UTF-8';
      payload = JSON.stringify(body);
    }
    if (state.session) { headers['Authorization'] = 'Bearer ' + state.session.token; }
    return fetch(API + path, { method: method, headers: headers, cache: 'no-store', body: payload })
      .catch(function () {
        throw new ApiError(0, { title: 'Network error', detail: '连不上服务器 the server cannot be reached' });
      }).then(function (res) {
        if (res.status === 401 && state.session && path !== '/sessions') {
          logout('登录已过期 Your session has ended. Please log in again.');
        }
        if (as === 'blob' && res.ok) { return res.blob(); }
        return res.text().then(function (text) {
          var data = null;
          if (text) {
            try { data = JSON.parse(text); } catch (e) { data = { detail: text }; }
          }
          if (!res.ok) { throw new ApiError(res.status, data); }
          return data;
        });
      });
  }

  function report(prefix) {
    return function (e) {
      if (e && e.status === 401) { return; }
      toast(prefix + ': ' + (e && e.message ? e.message : e));
    };
  }

  // ---- logging in -------------------------------------------------------------------------------

  function login(ev) {
    ev.preventDefault();
    var user = $('#login-user').value.trim();
    var password = $('#login-password').value;
    $('#login-error').textContent = '';
    $('#login-submit').disabled = true;
    api('POST', '/sessions', { user: user, password: password }).then(function (session) {
      $('#login-password').value = '';
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      start(session);
    }).catch(function (e) {
      $('#login-error').textContent = e.status === 401
        ? '用户名或密码错误 Wrong user name or password, or the user is not an agent.'
        : '无法登录 Cannot log in: ' + e.message;
    }).then(function () {
      $('#login-submit').disabled = false;
    });
  }

  function logout(message) {
    state.session = null;
    state.orders = [];
    state.customers = {};
    sessionStorage.removeItem(SESSION_KEY);
    closeStream();
    clearTimeout(state.expiryTimer);
    closeOrder();
    $('#list-view').hidden = true;
    $('#order-view').hidden = true;
    $('#back').hidden = true;
    $('#session-bar').hidden = true;
    $('#login-view').hidden = false;
    $('#login-error').textContent = message || '';
    if (location.hash) { history.replaceState(null, '', location.pathname); }
  }

  function start(session) {
    state.session = session;
    $('#login-view').hidden = true;
    $('#session-bar').hidden = false;
    $('#me-name').textContent = session.user;
    var left = new Date(session.expiresAt).getTime() - Date.now();
    if (left > 0 && left < 0x7fffffff) {
      state.expiryTimer = setTimeout(function () { logout('登录已过期 Your session has ended. Please log in again.'); }, left);
    }
    openStream();
    loadTypes().then(route, route);
  }

  // ---- the list ---------------------------------------------------------------------------------

  function loadTypes() {
    return api('GET', '/workorders/types').then(function (types) {
      var byName = {};
      (types || []).forEach(function (t) { byName[t.name] = t; });
      state.types = byName;
    });
  }

  function loadOrders() {
    return api('GET', '/workorders?mine=true&limit=100').then(function (orders) {
      state.orders = orders || [];
      var unknownType = state.orders.some(function (o) { return !state.types[o.type]; });
      return (unknownType ? loadTypes().catch(function () { }) : Promise.resolve()).then(renderOrders);
    }).catch(report('工单加载失败 Loading your orders failed'));
  }

  /** Open orders first, the most urgent on top; finished ones after, newest first. */
  function byUrgency(a, b) {
    var ad = a.dueAt ? new Date(a.dueAt).getTime() : Infinity;
    var bd = b.dueAt ? new Date(b.dueAt).getTime() : Infinity;
    if (ad !== bd) { return ad < bd ? -1 : 1; }
    return String(b.createdAt).localeCompare(String(a.createdAt));
  }

  function renderOrders() {
    var open = state.orders.filter(function (o) { return !isDone(o); }).sort(byUrgency);
    var done = state.orders.filter(isDone);
    fill($('#orders'), open.map(orderItem));
    fill($('#done-orders'), done.map(orderItem));
    $('#open-count').textContent = open.length;
    $('#done-count').textContent = done.length;
    $('#done-section').hidden = done.length === 0;
  }

  function fill(list, items) {
    list.textContent = '';
    items.forEach(function (i) { list.appendChild(i); });
  }

  function orderItem(o) {
    var li = el('li', 'order');
    li.dataset.orderId = o.id;
    li.dataset.state = o.state;
    li.classList.toggle('overdue', isOverdue(o));
    li.classList.toggle('done', isDone(o));
    li.tabIndex = 0;
    var head = el('div', 'line');
    head.appendChild(el('span', 'number', o.number));
    head.appendChild(el('span', 'state', stateLabel(o.state)));
    li.appendChild(head);
    li.appendChild(el('span', 'title', o.title));
    li.appendChild(el('span', 'type muted', typeTitle(o)));
    var customer = el('span', 'customer', '');
    li.appendChild(customer);
    customerName(o.customerId, customer);
    var due = el('p', 'due', dueText(o) + (o.escalated ? ' · 已升级 escalated' : ''));
    li.appendChild(due);
    if (o.requirements && o.requirements.length) {
      var reqs = el('ul', 'reqs');
      o.requirements.forEach(function (r) { reqs.appendChild(el('li', 'req', '⚠ ' + r)); });
      li.appendChild(reqs);
    }
    li.addEventListener('click', function () { location.hash = '#order/' + enc(o.id); });
    li.addEventListener('keydown', function (e) { if (e.key === 'Enter') { location.hash = '#order/' + enc(o.id); } });
    return li;
  }

  function customer(id) {
    if (!id) { return Promise.resolve(null); }
    var known = state.customers[id];
    if (known && typeof known.then === 'function') { return known; }
    if (known) { return Promise.resolve(known); }
    var loading = api('GET', '/customers/' + enc(id)).then(function (c) {
      state.customers[id] = c;
      return c;
    }, function (e) {
      delete state.customers[id];
      throw e;
    });
    state.customers[id] = loading;
    return loading;
  }

  function customerName(id, target) {
    customer(id).then(function (c) {
      target.textContent = c && c.name ? c.name : '客户 customer';
    }).catch(function () { target.textContent = ''; });
  }

  // ---- one order --------------------------------------------------------------------------------

  /** The address decides the view: #order/<id> is an order, anything else the list; the phone's back button works. */
  function route() {
    if (!state.session) { return; }
    var m = /^#order\/(.+)$/.exec(location.hash);
    if (m) {
      openOrder(decodeURIComponent(m[1]));
    } else {
      closeOrder();
      $('#order-view').hidden = true;
      $('#back').hidden = true;
      $('#list-view').hidden = false;
      loadOrders();
    }
  }

  function openOrder(id) {
    if (!state.order || state.order.id !== id) {
      closeOrder();
      $('#step-note').value = '';
      $('#step-eta').value = '';
      $('#message-text').value = '';
      setStatus('#step-status', '');
      setStatus('#photo-status', '');
      setStatus('#message-status', '');
    }
    $('#list-view').hidden = true;
    $('#order-view').hidden = false;
    $('#back').hidden = false;
    return reloadOrder(id);
  }

  /** The types come along: an operator's edit of a state machine shows on the next order opened. */
  function reloadOrder(id) {
    return Promise.all([api('GET', '/workorders/' + enc(id)), api('GET', '/workorders/' + enc(id) + '/history'),
      loadTypes()])
      .then(function (all) {
        state.order = all[0];
        state.history = all[1] || [];
        renderOrder();
      }).catch(function (e) {
        if (e.status === 404) {
          toast('没有这个工单 No such order');
          location.hash = '';
          return;
        }
        report('工单加载失败 Loading the order failed')(e);
      });
  }

  function closeOrder() {
    state.order = null;
    state.history = [];
    state.photoUrls.forEach(function (u) { URL.revokeObjectURL(u); });
    state.photoUrls = [];
    fill($('#photos'), []);
  }

  function renderOrder() {
    var o = state.order;
    $('#order-view').dataset.orderId = o.id;
    $('#order-number').textContent = o.number;
    $('#order-state').textContent = stateLabel(o.state);
    $('#order-state').dataset.state = o.state;
    $('#order-title').textContent = o.title;
    $('#order-type').textContent = typeTitle(o) + (o.team ? ' · ' + o.team : '');
    $('#order-due').textContent = dueText(o) + (o.escalated ? ' · 已升级 escalated' : '');
    $('#order-due').classList.toggle('overdue', isOverdue(o));

    var reqs = o.requirements || [];
    fill($('#requirement-list'), reqs.map(function (r) { return el('li', 'requirement', r); }));
    $('#requirements').hidden = reqs.length === 0;

    $('#order-details').textContent = o.details || '';
    var refs = $('#order-references');
    refs.textContent = '';
    Object.keys(o.references || {}).forEach(function (k) {
      refs.appendChild(el('dt', null, k));
      refs.appendChild(el('dd', null, o.references[k]));
    });
    $('#order-details-card').hidden = !o.details && refs.childElementCount === 0;

    renderCustomer(o);
    renderSteps(o);
    renderHistory();
  }

  function renderCustomer(o) {
    $('#customer-name').textContent = '';
    fill($('#customer-phones'), []);
    $('#message-form').hidden = !o.conversationId;
    customer(o.customerId).then(function (c) {
      if (!state.order || state.order.id !== o.id || !c) { return; }
      $('#customer-name').textContent = c.name || '客户 customer';
      var seen = {};
      (c.addresses || []).filter(function (a) {
        return PHONE_CHANNELS.indexOf(a.channel) >= 0 && /^\+?[0-9][0-9 ()-]{2,}$/.test(a.address);
      }).forEach(function (a) {
        var number = a.address.replace(/[^0-9+]/g, '');
        if (seen[number]) { return; }
        seen[number] = true;
        var link = el('a', 'button call', '☎ ' + a.address);
        link.href = 'tel:' + number;
        $('#customer-phones').appendChild(link);
      });
    }).catch(report('客户加载失败 Loading the customer failed'));
  }

  /** The notice of a state that names {eta} reads wrong without one, so those steps ask for it. */
  function needsEta(type, to) {
    var notice = type && type.notices ? type.notices[to] : null;
    return !!notice && notice.indexOf('{eta}') >= 0;
  }

  function renderSteps(o) {
    var type = typeOf(o);
    var next = type ? ((type.transitions || {})[o.state] || []).slice() : [];
    // the type's own order of states, so the usual next step comes first and cancelling last
    next.sort(function (a, b) { return type.states.indexOf(a) - type.states.indexOf(b); });
    var etaStates = next.filter(function (to) { return needsEta(type, to); });
    $('#eta-row').hidden = etaStates.length === 0;
    $('#eta-for').textContent = etaStates.length ? '(' + etaStates.map(stateLabel).join(', ') + ')' : '';
    fill($('#steps'), next.map(function (to) {
      var terminal = (type.terminal || []).indexOf(to) >= 0 && to !== type.surveyState;
      var b = el('button', terminal ? 'step danger' : 'step', stateLabel(to));
      b.type = 'button';
      b.dataset.to = to;
      b.addEventListener('click', function () { step(b, to, needsEta(type, to), terminal); });
      return b;
    }));
    if (!type) {
      setStatus('#step-status', '此类型已不存在 This order\'s type is no longer configured', true);
    }
  }

  function step(button, to, etaNeeded, confirmFirst) {
    var o = state.order;
    var eta = $('#step-eta').value.trim();
    var note = $('#step-note').value.trim();
    if (etaNeeded && !eta) {
      setStatus('#step-status', '请填写预计到达时间 Enter the ETA first: the customer is told it', true);
      $('#step-eta').focus();
      return;
    }
    // cancelling cannot be undone from here: a second tap confirms, no dialog to fumble on a phone
    if (confirmFirst && !button.classList.contains('confirming')) {
      button.classList.add('confirming');
      button.textContent = '再点一次确认 Tap again: ' + stateLabel(to);
      setTimeout(function () {
        button.classList.remove('confirming');
        button.textContent = stateLabel(to);
      }, 4000);
      return;
    }
    setButtons(true);
    setStatus('#step-status', '…');
    var body = { to: to };
    if (note) { body.note = note; }
    if (etaNeeded && eta) { body.eta = eta; }
    api('POST', '/workorders/' + enc(o.id) + '/transitions', body).then(function (moved) {
      $('#step-note').value = '';
      $('#step-eta').value = '';
      setStatus('#step-status', '已更新 Now: ' + stateLabel(moved.state));
      return reloadOrder(o.id);
    }).catch(function (e) {
      if (e.status === 409) {
        setStatus('#step-status', '状态已变 ' + e.message, true);
        return reloadOrder(o.id);
      }
      setStatus('#step-status', e.message, true);
    }).then(function () { setButtons(false); });
  }

  function setButtons(disabled) {
    Array.prototype.forEach.call(document.querySelectorAll('#steps button, #note-only'), function (b) { b.disabled = disabled; });
  }

  function noteOnly() {
    var o = state.order;
    var text = $('#step-note').value.trim();
    if (!text) {
      setStatus('#step-status', '备注为空 Write a note first', true);
      return;
    }
    setButtons(true);
    api('POST', '/workorders/' + enc(o.id) + '/notes', { text: text }).then(function () {
      $('#step-note').value = '';
      setStatus('#step-status', '备注已保存 Note saved');
      return reloadOrder(o.id);
    }).catch(function (e) {
      setStatus('#step-status', e.message, true);
    }).then(function () { setButtons(false); });
  }

  function etaIn(minutes) {
    var d = new Date(Date.now() + minutes * 60000);
    $('#step-eta').value = pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  // ---- the customer -----------------------------------------------------------------------------

  function sendMessage(ev) {
    ev.preventDefault();
    var o = state.order;
    var text = $('#message-text').value.trim();
    if (!text || !o || !o.conversationId) { return; }
    var p = state.pendingMessage;
    // the same words to the same conversation are a retry: same replyId, so the customer gets it once
    if (!p || p.conversationId !== o.conversationId || p.text !== text) {
      p = state.pendingMessage = { replyId: 'fw-' + newId(), conversationId: o.conversationId, text: text };
    }
    $('#message-send').disabled = true;
    setStatus('#message-status', '发送中 Sending…');
    sendReply(p, REPLY_RETRIES).then(function () {
      if (state.pendingMessage === p) { state.pendingMessage = null; }
      if ($('#message-text').value.trim() === text) { $('#message-text').value = ''; }
      setStatus('#message-status', '已发送 Sent');
    }).catch(function (e) {
      setStatus('#message-status', (e.status === 409
        ? '会话已结束，请打电话 The conversation is closed; call the customer'
        : '未发送，可重试 Not sent, tap Send to retry: ' + e.message), true);
    }).then(function () { $('#message-send').disabled = false; });
  }

  function sendReply(p, retries) {
    return api('POST', '/conversations/' + enc(p.conversationId) + '/replies', { text: p.text, replyId: p.replyId })
      .catch(function (e) {
        if ((e.status === 0 || e.status >= 500) && retries > 0) {
          return new Promise(function (resolve) { setTimeout(resolve, 1500); })
            .then(function () { return sendReply(p, retries - 1); });
        }
        throw e;
      });
  }

  // ---- photos -----------------------------------------------------------------------------------

  function addPhoto() {
    var input = $('#photo-input');
    var file = input.files && input.files[0];
    input.value = '';
    if (!file || !state.order) { return; }
    var o = state.order;
    setStatus('#photo-status', '上传中 Uploading…');
    shrink(file).then(function (blob) {
      var name = 'photo-' + new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
        + (blob.type === 'image/jpeg' ? '.jpg' : extension(file.name));
      return api('POST', '/workorders/' + enc(o.id) + '/attachments?name=' + enc(name), blob);
    }).then(function () {
      setStatus('#photo-status', '照片已上传 Photo added');
      if (state.order && state.order.id === o.id) { return reloadOrder(o.id); }
    }).catch(function (e) {
      setStatus('#photo-status', '上传失败 Upload failed: ' + e.message, true);
    });
  }

  function extension(name) {
    var m = /\.[A-Za-z0-9]{1,5}$/.exec(name || '');
    return m ? m[0] : '';
  }

  /** A JPEG no larger than PHOTO_MAX_SIDE; what the browser cannot decode (HEIC on some phones) goes as it is. */
  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1500000) { return file; }
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (b) { resolve(b || file); }, 'image/jpeg', PHOTO_QUALITY);
      });
    }).catch(function () { return file; });
  }

  /** Attachments need the token, which an <img> cannot send: fetched, then shown from a blob: URL. */
  function renderPhotos(changes) {
    var o = state.order;
    var box = $('#photos');
    var shown = {};
    Array.prototype.forEach.call(box.children, function (img) { shown[img.dataset.attachmentId] = true; });
    changes.filter(function (c) {
      return c.kind === 'ATTACHMENT' && c.data && /^image\//.test(c.data.mediaType || '') && !shown[c.data.attachmentId];
    }).forEach(function (c) {
      var img = el('img');
      img.alt = c.data.name || 'photo';
      img.dataset.attachmentId = c.data.attachmentId;
      box.appendChild(img);
      api('GET', '/workorders/' + enc(o.id) + '/attachments/' + enc(c.data.attachmentId), undefined, 'blob')
        .then(function (blob) {
          if (!state.order || state.order.id !== o.id) { return; }
          var url = URL.createObjectURL(blob);
          state.photoUrls.push(url);
          img.src = url;
        }).catch(function () { img.alt = (c.data.name || 'photo') + ' ✗'; });
    });
  }

  // ---- history ----------------------------------------------------------------------------------

  function describe(c) {
    var d = c.data || {};
    switch (c.kind) {
      case 'CREATED': return '创建 Created';
      case 'STATE': return stateLabel(c.fromState) + ' → ' + stateLabel(c.toState) + (d.eta ? ' · ETA ' + d.eta : '');
      case 'ASSIGNED': return '派给 Assigned to ' + [d.assignee, d.team ? '(' + d.team + ')' : ''].join(' ').trim();
      case 'NOTE': return '备注 Note';
      case 'ATTACHMENT': return '附件 Attachment: ' + (d.name || c.note || '');
      case 'ESCALATED': return '已升级 Escalated' + (d.team ? ' → ' + d.team : '');
      case 'RATED': return '评分 Rated ' + (d.score || '');
      default: return c.kind;
    }
  }

  function renderHistory() {
    var changes = state.history;
    fill($('#history'), changes.slice().reverse().map(function (c) {
      var li = el('li', 'change');
      li.dataset.kind = c.kind;
      if (c.toState) { li.dataset.to = c.toState; }
      li.appendChild(el('span', 'when', time(c.time) + ' · ' + c.by));
      li.appendChild(el('span', 'what', describe(c)));
      if (c.note && c.kind !== 'ATTACHMENT') { li.appendChild(el('div', 'note', c.note)); }
      return li;
    }));
    renderPhotos(changes);
  }

  // ---- pushed updates ---------------------------------------------------------------------------

  function setLive(live) {
    state.live = live;
    $('#live').dataset.live = String(live);
    $('#live').textContent = live ? 'live' : 'offline';
  }

  /** Several events for one step come together: one reload for all of them. */
  function onEvent(ev) {
    var data = {};
    try { data = (JSON.parse(ev.data).data) || {}; } catch (e) { return; }
    var touchesOpen = state.order && data.workOrderId === state.order.id;
    var touchesMine = data.assignee === state.session.user
      || state.orders.some(function (o) { return o.id === data.workOrderId; });
    if (!touchesOpen && !touchesMine && ev.type !== 'workorder.created') { return; }
    clearTimeout(state.reloadTimer);
    state.reloadTimer = setTimeout(refresh, 150);
  }

  function refresh() {
    if (!state.session) { return; }
    if (state.order) {
      reloadOrder(state.order.id);
    } else {
      loadOrders();
    }
  }

  function openStream() {
    closeStream();
    var es = new EventSource(API + '/desk/stream?access_token=' + enc(state.session.token));
    state.stream = es;
    es.addEventListener('open', function () {
      state.streamBackoff = 1000;
      setLive(true);
      // what happened while the stream was away is reloaded, not replayed
      refresh();
    });
    EVENT_TYPES.forEach(function (t) { es.addEventListener(t, onEvent); });
    es.addEventListener('session.expired', function () {
      logout('登录已过期 Your session has ended. Please log in again.');
    });
    es.addEventListener('error', function () {
      setLive(false);
      if (es.readyState !== EventSource.CLOSED || state.stream !== es) { return; }
      // refused, not cut (which the browser retries itself): try again later; the poll covers the gap
      state.stream = null;
      var wait = state.streamBackoff;
      state.streamBackoff = Math.min(60000, state.streamBackoff * 2);
      setTimeout(function () { if (state.session && !state.stream) { openStream(); } }, wait);
    });
  }

  function closeStream() {
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
    setLive(false);
  }

  /** Only while nothing is pushed (no desk bundle, a proxy that cuts streams): a poll every 15 s. */
  function poll() {
    if (state.session && !state.live && document.visibilityState !== 'hidden') { refresh(); }
  }

  /** Overdue is a matter of the clock too: redrawn each minute, without asking the server. */
  function tick() {
    if (!state.session) { return; }
    if (state.order) {
      $('#order-due').textContent = dueText(state.order) + (state.order.escalated ? ' · 已升级 escalated' : '');
      $('#order-due').classList.toggle('overdue', isOverdue(state.order));
    } else {
      renderOrders();
    }
  }

  // ---- start ------------------------------------------------------------------------------------

  function init() {
    $('#login-form').addEventListener('submit', login);
    $('#logout').addEventListener('click', function () {
      // the token ends on the server too, so that a copy of it left on a shared phone is no use
      if (state.session) { api('DELETE', '/sessions/current').catch(function () { }); }
      logout('');
    });
    $('#back').addEventListener('click', function () { location.hash = ''; });
    $('#note-only').addEventListener('click', noteOnly);
    $('#message-form').addEventListener('submit', sendMessage);
    $('#photo-input').addEventListener('change', addPhoto);
    Array.prototype.forEach.call(document.querySelectorAll('[data-eta-minutes]'), function (b) {
      b.addEventListener('click', function () { etaIn(Number(b.dataset.etaMinutes)); });
    });
    window.addEventListener('hashchange', route);
    setInterval(poll, POLL_MS);
    setInterval(tick, 60000);
    var saved = sessionStorage.getItem(SESSION_KEY);
    if (saved) {
      try {
        var session = JSON.parse(saved);
        if (new Date(session.expiresAt).getTime() > Date.now()) {
          start(session);
          return;
        }
      } catch (e) { /* a damaged entry: log in again */ }
      sessionStorage.removeItem(SESSION_KEY);
    }
    $('#login-user').focus();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
