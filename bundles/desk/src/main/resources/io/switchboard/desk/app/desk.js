/*
 * Switchboard Desk: the agents' single-page app. Plain browser JavaScript, no build step.
 * The REST contract is docs/agent-api.md. Nothing polls: the server pushes every domain event on
 * /switchboard/api/desk/stream and the desk reloads what the event touches. Every text from the
 * server is put in with textContent, never as HTML.
 */
(function () {
  'use strict';

  var API = '/switchboard/api';
  var SESSION_KEY = 'switchboard.desk.session';
  var OPEN_KEY = 'switchboard.desk.open';
  var EVENT_TYPES = ['conversation.opened', 'conversation.continued', 'conversation.queued',
    'conversation.assigned', 'conversation.waiting', 'conversation.closed', 'conversation.reopened',
    'conversation.transferred', 'message.received', 'message.sent', 'customer.merged',
    'customer.unmerged', 'customer.linked', 'agent.presence', 'call.offered', 'call.answered', 'call.ended'];
  var REPLY_RETRIES = 3;

  var state = {
    session: null,
    profile: null,          // GET /agents/me, null if the user has no agent profile
    conversation: null,     // the open conversation
    customer: null,
    timeline: { ids: new Set(), entries: [], next: null, customerId: null },
    messageIds: new Set(),
    pendingReply: null,     // {replyId, conversationId, text, channel, address}: kept until a 201
    stream: null,
    streamBackoff: 1000,
    expiryTimer: null
  };

  function $(selector) { return document.querySelector(selector); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  function enc(s) { return encodeURIComponent(s); }

  function time(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function since(iso) {
    if (!iso) { return ''; }
    var s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) { return s + ' s'; }
    if (s < 3600) { return Math.round(s / 60) + ' min'; }
    return Math.round(s / 3600) + ' h';
  }

  function shorten(s, n) {
    s = String(s || '');
    return s.length > n ? s.slice(0, n - 1) + '\u2026' : s;
  }

  var toastTimer = null;
  function toast(text) {
    var t = $('#toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 6000);
  }

  // ---- the API ----------------------------------------------------------------------------------

  function ApiError(status, problem) {
    this.status = status;
    this.problem = problem || {};
    this.message = (this.problem.detail || this.problem.title || ('HTTP ' + status));
  }
  ApiError.prototype = Object.create(Error.prototype);

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json; charset=UTF-8'; }
    if (state.session) { headers['Authorization'] = 'Bearer ' + state.session.token; }
    return fetch(API + path, {
      method: method, headers: headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).catch(function () {
      throw new ApiError(0, { title: 'Network error', detail: 'the server cannot be reached' });
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = { detail: text }; }
        }
        if (res.status === 401 && state.session && path !== '/sessions') {
          logout('Your session has ended. Please log in again.', false);
        }
        if (!res.ok) { throw new ApiError(res.status, data); }
        return data;
      });
    });
  }

  /** Errors the agent should see; 401 already sent them to the login form. */
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
        ? 'Wrong user name or password, or the user is not an agent.'
        : 'Cannot log in: ' + e.message;
    }).then(function () {
      $('#login-submit').disabled = false;
    });
  }

  function logout(message, goOffline) {
    var session = state.session;
    if (goOffline && session) {
      // best effort: an agent who logs out should not be given conversations, and their token then ends
      // on the server too, so that a copy of it is no use to anyone
      var offline = state.profile ? api('PUT', '/agents/me/presence', { presence: 'OFFLINE' }).catch(function () { })
        : Promise.resolve();
      offline.then(function () {
        return fetch(API + '/sessions/current', { method: 'DELETE', headers: { 'Authorization': 'Bearer ' + session.token } });
      }).catch(function () { });
    }
    state.session = null;
    state.profile = null;
    sessionStorage.removeItem(SESSION_KEY);
    closeStream();
    clearTimeout(state.expiryTimer);
    closePane();
    $('#desk-view').hidden = true;
    $('#session-bar').hidden = true;
    $('#figures').hidden = true;
    $('#login-view').hidden = false;
    $('#login-error').textContent = message || '';
    $('#login-user').focus();
  }

  function start(session) {
    state.session = session;
    $('#login-view').hidden = true;
    $('#desk-view').hidden = false;
    $('#session-bar').hidden = false;
    $('#me-name').textContent = session.user;
    $('#supervision').hidden = !(session.roles || []).includes('admin');
    var left = new Date(session.expiresAt).getTime() - Date.now();
    if (left > 0 && left < 0x7fffffff) {
      state.expiryTimer = setTimeout(function () { logout('Your session has ended. Please log in again.', false); }, left);
    }
    openStream();
    refreshAll();
    var open = sessionStorage.getItem(OPEN_KEY);
    if (open) { openConversation(open); }
  }

  // ---- presence and figures ---------------------------------------------------------------------

  function loadProfile() {
    return api('GET', '/agents/me').then(function (me) {
      state.profile = me;
      $('#presence').disabled = false;
      $('#presence').value = me.presence;
      $('#profile-note').hidden = true;
    }).catch(function (e) {
      if (e.status === 404) {
        state.profile = null;
        $('#presence').disabled = true;
        $('#profile-note').textContent = 'You have no agent profile yet, so no conversation is routed to you. '
          + 'An admin creates it (PUT /switchboard/api/agents/' + state.session.user + ').';
        $('#profile-note').hidden = false;
        return;
      }
      throw e;
    });
  }

  function setPresence() {
    var select = $('#presence');
    var wanted = select.value;
    select.disabled = true;
    api('PUT', '/agents/me/presence', { presence: wanted }).then(function (me) {
      state.profile = me;
      select.value = me.presence;
    }).catch(function (e) {
      if (state.profile) { select.value = state.profile.presence; }
      report('Presence not changed')(e);
    }).then(function () {
      select.disabled = !state.profile;
    });
  }

  function loadFigures() {
    return api('GET', '/agents/queue').then(function (q) {
      var parts = ['Waiting ' + q.waiting];
      if (q.oldestWaitSeconds !== undefined && q.oldestWaitSeconds !== null) {
        parts.push('oldest ' + q.oldestWaitSeconds + ' s');
      }
      if (q.sla && q.sla.share !== undefined && q.sla.share !== null) {
        parts.push('SLA ' + Math.round(q.sla.share * 100) + '% in ' + q.sla.seconds + ' s');
      }
      $('#figures').textContent = parts.join(' \u00b7 ');
      $('#figures').hidden = false;
    }).catch(function () { $('#figures').hidden = true; });
  }

  function loadAgents() {
    return api('GET', '/agents').then(function (agents) {
      var datalist = $('#transfer-agents');
      datalist.replaceChildren();
      var ul = $('#agents');
      ul.replaceChildren();
      agents.forEach(function (a) {
        var o = document.createElement('option');
        o.value = a.id;
        o.label = (a.name || a.id) + ' (' + a.presence + ')';
        datalist.appendChild(o);
        var li = el('li');
        li.dataset.agentId = a.id;
        li.appendChild(el('span', null, (a.name || a.id)));
        li.appendChild(el('span', 'presence-' + a.presence, a.presence + ' \u00b7 ' + a.load));
        ul.appendChild(li);
      });
    }).catch(function () { });
  }

  // ---- the lists --------------------------------------------------------------------------------

  function refreshLists() {
    return Promise.all([
      api('GET', '/conversations?state=QUEUED&limit=100'),
      api('GET', '/conversations?mine=true')
    ]).then(function (r) {
      renderList($('#queue'), r[0], true);
      renderList($('#mine'), r[1], false);
      $('#queue-count').textContent = r[0].length;
      $('#mine-count').textContent = r[1].length;
    }).catch(report('Cannot load the conversations'));
  }

  function renderList(ul, conversations, queued) {
    ul.replaceChildren();
    conversations.forEach(function (c) {
      var li = el('li', 'conversation');
      li.dataset.conversationId = c.id;
      li.dataset.state = c.state;
      if (state.conversation && state.conversation.id === c.id) { li.classList.add('selected'); }
      var summary = el('div', 'summary');
      var who = el('div', 'who');
      who.appendChild(el('span', 'channel', c.address ? c.address.channel : ''));
      who.appendChild(document.createTextNode(c.address ? shorten(c.address.address, 24) : c.customerId));
      summary.appendChild(who);
      var meta = [c.state];
      if (c.priority) { meta.push('priority ' + c.priority); }
      if (c.skills && c.skills.length) { meta.push(c.skills.join(', ')); }
      meta.push(queued ? 'waiting ' + since(c.queuedAt || c.updatedAt) : 'updated ' + since(c.updatedAt));
      summary.appendChild(el('div', 'meta', meta.join(' \u00b7 ')));
      li.appendChild(summary);
      li.addEventListener('click', function () { openConversation(c.id); });
      if (queued) {
        var accept = el('button', 'accept', 'Accept');
        accept.type = 'button';
        accept.addEventListener('click', function (ev) {
          ev.stopPropagation();
          accept.disabled = true;
          acceptConversation(c.id).then(function () { accept.disabled = false; });
        });
        li.appendChild(accept);
      }
      ul.appendChild(li);
    });
  }

  function acceptConversation(id) {
    return api('POST', '/conversations/' + enc(id) + '/accept').then(function () {
      return Promise.all([refreshLists(), openConversation(id)]);
    }).catch(function (e) {
      if (e.status === 409) {
        toast('Not yours to take: ' + e.message);
        return refreshLists();
      }
      report('Not accepted')(e);
    });
  }

  // ---- the open conversation --------------------------------------------------------------------

  function closePane() {
    state.conversation = null;
    state.customer = null;
    state.timeline = { ids: new Set(), entries: [], next: null, customerId: null };
    state.messageIds = new Set();
    sessionStorage.removeItem(OPEN_KEY);
    $('#pane').hidden = true;
    $('#timeline-pane').hidden = true;
    $('#no-conversation').hidden = false;
    $('#messages').replaceChildren();
    $('#timeline').replaceChildren();
    document.querySelectorAll('.conversation.selected').forEach(function (li) { li.classList.remove('selected'); });
  }

  function openConversation(id) {
    var switching = !state.conversation || state.conversation.id !== id;
    if (switching) {
      closePane();
      $('#reply-text').value = '';
      $('#reply-status').textContent = '';
    }
    return api('GET', '/conversations/' + enc(id)).then(function (c) {
      state.conversation = c;
      sessionStorage.setItem(OPEN_KEY, c.id);
      $('#no-conversation').hidden = true;
      $('#pane').hidden = false;
      $('#pane').dataset.conversationId = c.id;
      $('#timeline-pane').hidden = false;
      document.querySelectorAll('.conversation').forEach(function (li) {
        li.classList.toggle('selected', li.dataset.conversationId === c.id);
      });
      renderConversation();
      return Promise.all([loadCustomer(), loadMessages(), loadTimeline(false)]);
    }).catch(function (e) {
      if (e.status === 404) { closePane(); }
      report('Cannot open the conversation')(e);
    });
  }

  function refreshConversation() {
    if (!state.conversation) { return Promise.resolve(); }
    return api('GET', '/conversations/' + enc(state.conversation.id)).then(function (c) {
      if (state.conversation && state.conversation.id === c.id) {
        var customerChanged = state.conversation.customerId !== c.customerId;
        state.conversation = c;
        renderConversation();
        if (customerChanged) { return Promise.all([loadCustomer(), loadTimeline(false)]); }
      }
    }).catch(report('Cannot reload the conversation'));
  }

  function renderConversation() {
    var c = state.conversation;
    var mine = state.session && c.assignedAgentId === state.session.user;
    $('#conversation-state').textContent = c.state;
    $('#conversation-state').dataset.state = c.state;
    $('#conversation-agent').textContent = c.assignedAgentId ? 'with ' + c.assignedAgentId : '';
    $('#conversation-skills').textContent = c.skills && c.skills.length ? 'skills ' + c.skills.join(', ') : '';
    $('#accept').hidden = !(c.state === 'QUEUED' || (mine && c.state === 'ASSIGNED' && !c.firstResponseAt));
    $('#accept').textContent = c.state === 'QUEUED' ? 'Accept' : 'Accept (routed to you)';
    $('#close').disabled = c.state === 'CLOSED';
    $('#transfer-submit').disabled = c.state === 'CLOSED';
    renderChannels();
  }

  function loadCustomer() {
    var c = state.conversation;
    if (!c || !c.customerId) { return Promise.resolve(); }
    return api('GET', '/customers/' + enc(c.customerId)).then(function (customer) {
      if (!state.conversation || state.conversation.id !== c.id) { return; }
      state.customer = customer;
      $('#customer-name').textContent = customer.name || 'Customer ' + shorten(customer.id, 12);
      $('#customer-tier').textContent = customer.tier === 'VIP' ? 'VIP' : '';
      $('#customer-tier').className = customer.tier === 'VIP' ? 'tier vip' : 'tier';
      var tags = $('#customer-tags');
      tags.replaceChildren();
      (customer.tags || []).forEach(function (t) { tags.appendChild(el('span', null, t)); });
      var ul = $('#customer-addresses');
      ul.replaceChildren();
      (customer.addresses || []).forEach(function (a) {
        var li = el('li');
        li.appendChild(el('span', 'channel', a.channel));
        li.appendChild(document.createTextNode(a.address + (customer.preferredChannel === a.channel ? ' (preferred)' : '')));
        ul.appendChild(li);
      });
      renderChannels();
    }).catch(report('Cannot load the customer'));
  }

  /** The reply picker: every address of the customer, the conversation's own first. */
  function renderChannels() {
    var c = state.conversation;
    if (!c) { return; }
    var select = $('#reply-channel');
    var previous = select.value;
    var addresses = [];
    if (c.address) { addresses.push(c.address); }
    ((state.customer && state.customer.addresses) || []).forEach(function (a) {
      if (!addresses.some(function (b) { return b.channel === a.channel && b.address === a.address; })) {
        addresses.push(a);
      }
    });
    select.replaceChildren();
    addresses.forEach(function (a, i) {
      var o = document.createElement('option');
      o.value = JSON.stringify([a.channel, a.address]);
      o.textContent = a.channel + ' \u00b7 ' + shorten(a.address, 40) + (i === 0 ? ' (this conversation)' : '');
      o.dataset.channel = a.channel;
      o.dataset.address = a.address;
      select.appendChild(o);
    });
    if (previous && Array.prototype.some.call(select.options, function (o) { return o.value === previous; })) {
      select.value = previous;
    }
  }

  function loadMessages() {
    var c = state.conversation;
    if (!c) { return Promise.resolve(); }
    return api('GET', '/conversations/' + enc(c.id) + '/messages?limit=200').then(function (messages) {
      if (!state.conversation || state.conversation.id !== c.id) { return; }
      var ol = $('#messages');
      var atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
      ol.replaceChildren();
      state.messageIds = new Set();
      messages.forEach(addMessage);
      if (atBottom || messages.length) { ol.scrollTop = ol.scrollHeight; }
    }).catch(report('Cannot load the messages'));
  }

  function partText(p) {
    if (p.kind === 'TEXT') { return p.text; }
    if (p.kind === 'EVENT') { return '[' + (p.name || 'event') + ']'; }
    if (p.kind === 'LOCATION') { return '[location ' + p.latitude + ', ' + p.longitude + ']'; }
    return '[' + p.kind.toLowerCase() + (p.name ? ' ' + p.name : '') + ']';
  }

  function addMessage(m) {
    if (state.messageIds.has(m.id)) { return; }
    state.messageIds.add(m.id);
    var li = el('li', 'message');
    li.dataset.messageId = m.id;
    li.dataset.direction = m.direction;
    var who = m.direction === 'INBOUND' ? 'customer' : (m.agentId || 'bot');
    li.appendChild(el('div', 'meta', who + ' \u00b7 ' + (m.address ? m.address.channel : '') + ' \u00b7 ' + time(m.time)));
    var text = el('div', 'text', (m.parts || []).map(partText).join('\n'));
    li.appendChild(text);
    (m.parts || []).forEach(function (p) {
      if (p.url && /^https?:\/\//.test(p.url)) {
        var a = el('a', null, p.name || p.url);
        a.href = p.url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        li.appendChild(a);
      }
    });
    $('#messages').appendChild(li);
  }

  // ---- the customer's timeline ------------------------------------------------------------------

  /**
   * @param older false: the newest page, merged into what is shown (after an event, or first);
   *              true: the page before the oldest shown
   */
  function loadTimeline(older) {
    var c = state.conversation;
    if (!c || !c.customerId) { return Promise.resolve(); }
    var t = state.timeline;
    if (t.customerId !== c.customerId) {
      state.timeline = t = { ids: new Set(), entries: [], next: null, customerId: c.customerId };
      $('#timeline').replaceChildren();
    }
    var path = '/customers/' + enc(c.customerId) + '/timeline?limit=50';
    if (older) {
      if (!t.next) { return Promise.resolve(); }
      path += '&before=' + enc(t.next);
    }
    var first = t.entries.length === 0;
    return api('GET', path).then(function (page) {
      if (state.timeline !== t) { return; }
      (page.entries || []).forEach(function (e) {
        if (!t.ids.has(e.id)) {
          t.ids.add(e.id);
          t.entries.push(e);
        }
      });
      // the cursor of the oldest page loaded stays: newer pages only add at the top
      if (older || first) { t.next = page.next || null; }
      t.entries.sort(function (a, b) { return a.time < b.time ? 1 : a.time > b.time ? -1 : 0; });
      renderTimeline();
    }).catch(report('Cannot load the timeline'));
  }

  function renderTimeline() {
    var t = state.timeline;
    var ol = $('#timeline');
    ol.replaceChildren();
    t.entries.forEach(function (e) {
      var li = el('li');
      li.dataset.entryId = e.id;
      li.dataset.kind = e.kind;
      if (e.channel) { li.dataset.channel = e.channel; }
      if (e.conversationId) { li.dataset.conversationId = e.conversationId; }
      if (state.conversation && e.conversationId === state.conversation.id) { li.classList.add('this-conversation'); }
      var meta = [time(e.time), e.kind.toLowerCase()];
      if (e.channel) { meta.push(e.channel); }
      if (e.direction) { meta.push(e.direction === 'INBOUND' ? 'in' : 'out'); }
      if (e.agentId) { meta.push(e.agentId); }
      li.appendChild(el('div', 'meta', meta.join(' \u00b7 ')));
      li.appendChild(el('div', 'summary', e.summary || ''));
      ol.appendChild(li);
    });
    $('#timeline-older').hidden = !t.next;
  }

  // ---- the screen-pop: who is calling, and what happened with them before ------------------------

  function screenPop(event) {
    var data = event.data || {};
    var pop = $('#screen-pop');
    pop.dataset.callId = data.callId || '';
    pop.dataset.customerId = event.customerId || '';
    pop.dataset.state = 'ringing';
    $('#pop-number').textContent = data.ani || '';
    $('#pop-queue').textContent = data.queue ? 'queue ' + data.queue : '';
    $('#pop-name').textContent = data.customerName || 'Unknown caller';
    $('#pop-tier').textContent = '';
    $('#pop-timeline').replaceChildren();
    var open = $('#pop-open');
    open.hidden = !event.conversationId;
    open.onclick = function () { openConversation(event.conversationId); };
    pop.hidden = false;
    if (!event.customerId) { return; }
    api('GET', '/customers/' + enc(event.customerId)).then(function (customer) {
      if (pop.dataset.customerId !== event.customerId) { return; }
      $('#pop-name').textContent = customer.name || customer.id;
      $('#pop-tier').textContent = customer.tier === 'VIP' ? 'VIP' : '';
      pop.dataset.customerId = customer.id;
    }).catch(report('Cannot load the caller'));
    api('GET', '/customers/' + enc(event.customerId) + '/timeline?limit=10').then(function (page) {
      if (pop.dataset.callId !== (data.callId || '')) { return; }
      var ol = $('#pop-timeline');
      ol.replaceChildren();
      (page.entries || []).forEach(function (e) {
        var li = el('li');
        li.dataset.kind = e.kind;
        li.appendChild(el('span', 'meta', time(e.time) + ' \u00b7 ' + (e.channel || e.kind.toLowerCase())));
        li.appendChild(el('span', 'summary', ' ' + shorten(e.summary, 140)));
        ol.appendChild(li);
      });
    }).catch(report('Cannot load the caller\'s timeline'));
  }

  // ---- acting on the conversation ---------------------------------------------------------------

  function selectedAddress() {
    var o = $('#reply-channel').selectedOptions[0];
    var c = state.conversation;
    if (!o || (c.address && o.dataset.channel === c.address.channel && o.dataset.address === c.address.address)) {
      return { channel: undefined, address: undefined };
    }
    return { channel: o.dataset.channel, address: o.dataset.address };
  }

  function sendReply(ev) {
    ev.preventDefault();
    var c = state.conversation;
    var text = $('#reply-text').value.trim();
    if (!c || !text) { return; }
    var to = selectedAddress();
    var p = state.pendingReply;
    // the same reply sent again (a retry) keeps its id, so the server stores it once
    if (!p || p.conversationId !== c.id || p.text !== text || p.channel !== to.channel || p.address !== to.address) {
      p = state.pendingReply = { replyId: newId(), conversationId: c.id, text: text, channel: to.channel, address: to.address };
    }
    $('#reply-send').disabled = true;
    status('Sending\u2026', false);
    attemptReply(p, 0);
  }

  function attemptReply(p, attempt) {
    api('POST', '/conversations/' + enc(p.conversationId) + '/replies',
      { text: p.text, replyId: p.replyId, channel: p.channel, address: p.address }).then(function (message) {
      if (state.pendingReply === p) { state.pendingReply = null; }
      $('#reply-send').disabled = false;
      if (state.conversation && state.conversation.id === p.conversationId) {
        if ($('#reply-text').value.trim() === p.text) { $('#reply-text').value = ''; }
        status('Sent', false);
        addMessage(message);
        $('#messages').scrollTop = $('#messages').scrollHeight;
      }
    }).catch(function (e) {
      var transient = e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504;
      if (transient && attempt < REPLY_RETRIES) {
        status('Not sent yet, trying again\u2026', true);
        setTimeout(function () { attemptReply(p, attempt + 1); }, 1000 * Math.pow(2, attempt));
        return;
      }
      $('#reply-send').disabled = false;
      if (e.status === 401) { return; }
      status(transient
        ? 'Not sent: ' + e.message + '. Press Send to try again (it is never sent twice).'
        : 'Not sent: ' + e.message, true);
      if (!transient) { state.pendingReply = null; }
    });
  }

  function status(text, bad) {
    var s = $('#reply-status');
    s.textContent = text;
    s.classList.toggle('error', !!bad);
  }

  function transfer(ev) {
    ev.preventDefault();
    var c = state.conversation;
    if (!c) { return; }
    var agent = $('#transfer-agent').value.trim();
    var skills = $('#transfer-skills').value.split(/[\s,\uff0c]+/).filter(function (s) { return s; });
    if (!agent && !skills.length) {
      toast('Name an agent, or the skills to queue for.');
      return;
    }
    var body = agent ? { toAgentId: agent } : { skills: skills };
    api('POST', '/conversations/' + enc(c.id) + '/transfer', body).then(function (after) {
      $('#transfer-agent').value = '';
      $('#transfer-skills').value = '';
      toast(agent ? 'Transferred to ' + agent : 'Back in the queue for ' + skills.join(', '));
      if (after.assignedAgentId !== state.session.user) { closePane(); }
      return refreshLists();
    }).catch(report('Not transferred'));
  }

  function closeConversation() {
    var c = state.conversation;
    if (!c) { return; }
    $('#close').disabled = true;
    api('POST', '/conversations/' + enc(c.id) + '/close').then(function (after) {
      if (state.conversation && state.conversation.id === after.id) {
        state.conversation = after;
        renderConversation();
      }
      return refreshLists();
    }).catch(function (e) {
      $('#close').disabled = false;
      report('Not closed')(e);
    });
  }

  // ---- pushed updates ---------------------------------------------------------------------------

  var due = { lists: false, conversation: false, messages: false, timeline: false, customer: false, agents: false };
  var flushTimer = null;
  var flushing = null;

  function refreshAll() {
    Object.keys(due).forEach(function (k) { due[k] = true; });
    flushSoon();
    loadProfile().catch(report('Cannot load your profile'));
  }

  function flushSoon() {
    if (flushTimer || flushing) { return; }
    // events come in bursts (queued, assigned, message): one reload serves the burst
    flushTimer = setTimeout(flush, 120);
  }

  function flush() {
    flushTimer = null;
    if (!state.session) { return; }
    var work = Object.assign({}, due);
    Object.keys(due).forEach(function (k) { due[k] = false; });
    var jobs = [];
    if (work.lists) { jobs.push(refreshLists(), loadFigures()); }
    if (work.agents) { jobs.push(loadAgents()); }
    if (state.conversation) {
      if (work.conversation) { jobs.push(refreshConversation()); }
      if (work.customer) { jobs.push(loadCustomer()); }
      if (work.messages) { jobs.push(loadMessages()); }
      if (work.timeline) { jobs.push(loadTimeline(false)); }
    }
    flushing = Promise.all(jobs).catch(function () { }).then(function () {
      flushing = null;
      if (Object.keys(due).some(function (k) { return due[k]; })) { flushSoon(); }
    });
  }

  function onEvent(e) {
    var event;
    try { event = JSON.parse(e.data); } catch (x) { return; }
    var type = e.type;
    var data = event.data || {};
    var c = state.conversation;
    var here = c && event.conversationId === c.id;
    var customerHere = c && [event.customerId, data.sourceId, data.targetId].indexOf(c.customerId) >= 0;
    var supervising = !$('#supervision').hidden;
    if (type.indexOf('conversation.') === 0) {
      due.lists = true;
      due.agents = due.agents || supervising;
      if (here) { due.conversation = due.timeline = due.messages = true; }
    } else if (type.indexOf('message.') === 0) {
      // a message can move the state too (the customer's turn, or the agent's)
      if (here) { due.messages = due.timeline = due.conversation = true; }
      if (document.querySelector('.conversation[data-conversation-id="' + CSS.escape(event.conversationId || '') + '"]')) {
        due.lists = true;
      }
      if (customerHere && !here) { due.timeline = true; }
    } else if (type.indexOf('customer.') === 0) {
      if (customerHere) { due.customer = due.timeline = due.conversation = true; }
    } else if (type.indexOf('call.') === 0) {
      if (customerHere) { due.timeline = true; }
      // a call ringing for this agent, or for nobody in particular, pops its caller up
      if (type === 'call.offered' && (!data.agentId || (state.session && data.agentId === state.session.user))) {
        screenPop(event);
      } else if (type === 'call.ended' && $('#screen-pop').dataset.callId === data.callId) {
        $('#screen-pop').dataset.state = 'ended';
      }
    } else if (type === 'agent.presence') {
      due.agents = due.agents || supervising;
      if (state.session && data.agentId === state.session.user && state.profile) {
        state.profile.presence = data.presence;
        $('#presence').value = data.presence;
      }
    }
    flushSoon();
  }

  function openStream() {
    closeStream();
    var es = new EventSource(API + '/desk/stream?access_token=' + enc(state.session.token));
    state.stream = es;
    es.addEventListener('open', function () {
      state.streamBackoff = 1000;
      setLive(true);
      // whatever happened before the stream was there (or while it was away) is reloaded, not replayed
      refreshAll();
    });
    EVENT_TYPES.forEach(function (t) { es.addEventListener(t, onEvent); });
    es.addEventListener('session.expired', function () {
      logout('Your session has ended. Please log in again.', false);
    });
    es.addEventListener('error', function () {
      setLive(false);
      if (es.readyState !== EventSource.CLOSED || state.stream !== es) { return; }
      // refused (not a network cut, which the browser retries itself): is the login still good?
      state.stream = null;
      var wait = state.streamBackoff;
      state.streamBackoff = Math.min(30000, state.streamBackoff * 2);
      setTimeout(function () {
        if (!state.session) { return; }
        api('GET', '/conversations?mine=true').then(function () {
          if (state.session && !state.stream) { openStream(); }
        }).catch(function (e) {
          if (e.status !== 401 && state.session && !state.stream) { openStream(); }
        });
      }, wait);
    });
  }

  function closeStream() {
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
    setLive(false);
  }

  function setLive(live) {
    var l = $('#live');
    l.dataset.live = String(live);
    l.textContent = live ? 'live' : 'offline';
  }

  // ---- wiring -----------------------------------------------------------------------------------

  function init() {
    $('#login-form').addEventListener('submit', login);
    $('#logout').addEventListener('click', function () { logout('', true); });
    $('#presence').addEventListener('change', setPresence);
    $('#accept').addEventListener('click', function () {
      if (state.conversation) { acceptConversation(state.conversation.id); }
    });
    $('#close').addEventListener('click', closeConversation);
    $('#transfer-form').addEventListener('submit', transfer);
    $('#reply-form').addEventListener('submit', sendReply);
    $('#reply-text').addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { sendReply(e); }
    });
    $('#timeline-older').addEventListener('click', function () { loadTimeline(true); });
    $('#pop-dismiss').addEventListener('click', function () { $('#screen-pop').hidden = true; });
    var saved = sessionStorage.getItem(SESSION_KEY);
    var session = null;
    try { session = saved ? JSON.parse(saved) : null; } catch (e) { session = null; }
    if (session && session.token && new Date(session.expiresAt).getTime() > Date.now()) {
      start(session);
    } else {
      logout('', false);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
