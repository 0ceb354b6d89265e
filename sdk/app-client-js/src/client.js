// Switchboard in-app chat: the browser client (an ES module, no dependencies).
// Served by the channel at /switchboard/app/client.js; the protocol is in docs/channels/app.md.
//
//   import { AppClient } from '/switchboard/app/client.js';
//   const chat = new AppClient({ url: 'wss://cs.example.com/switchboard/app/socket',
//                               token: () => fetch('/my-backend/chat-token').then(r => r.text()),
//                               onReply: r => show(r.text) });
//   chat.start();
//   chat.send('你好 📦');
//
// Messages are queued, sent one at a time in order and resent after a reconnect until the server
// acknowledges them (it keeps one message per id). Replies come numbered; each number reaches
// onReply once, in order, and a reconnect resumes after the last one.

const uuid = () => (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID()
  : 'm' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);

/** Keeps the last reply number and the unacknowledged messages; in localStorage when given a key. */
export class MemoryState {
  constructor() { this.lastSeq = 0; this.outbox = []; }
  save() {}
}

export class LocalStorageState {
  constructor(key, storage = globalThis.localStorage) {
    this.key = key; this.storage = storage;
    const saved = JSON.parse(storage.getItem(key) || '{}');
    this.lastSeq = saved.lastSeq || 0; this.outbox = saved.outbox || [];
  }
  save() { this.storage.setItem(this.key, JSON.stringify({ lastSeq: this.lastSeq, outbox: this.outbox })); }
}

export class AppClient {
  /**
   * @param {object} o
   * @param {string} o.url  the channel's socket, wss://<host>/switchboard/app/socket
   * @param {() => (string|Promise<string>)} o.token  a fresh device token from the app's backend, asked at every connect
   * @param {(reply: {seq:number,id:string,time:string,agent?:string,text:string}) => void} o.onReply
   */
  constructor(o) {
    this.url = o.url; this.token = o.token; this.onReply = o.onReply;
    this.onAccepted = o.onAccepted || (() => {}); this.onRefused = o.onRefused || (() => {});
    this.onConnection = o.onConnection || (() => {});
    this.state = o.state || new MemoryState();
    this.proposedPing = o.pingSeconds || 0;
    this.pongTimeoutMs = o.pongTimeoutMs || 15000;
    this.maxBackoffMs = o.maxBackoffMs || 30000;
    this.WebSocket = o.WebSocket || globalThis.WebSocket;
    this.gen = 0; this.ws = null; this.welcomed = false; this.inFlight = null; this.backoff = 0;
    this.running = false; this.pingSeconds = 0; this.timers = {};
  }

  start() { if (!this.running) { this.running = true; this.connect(); } }

  /** Queues text for the agents; returns its client message id. */
  send(text) {
    const id = uuid();
    this.state.outbox.push({ id, text }); this.state.save();
    this.pump();
    return id;
  }

  get connected() { return this.welcomed; }

  close() {
    this.running = false; this.gen++; this.clearTimers();
    if (this.ws) { try { this.ws.close(1000); } catch (e) { /* gone */ } this.ws = null; }
    this.welcomed = false;
  }

  /** Drops the connection as a network would (tests, or "network changed"); it reconnects by itself. */
  reconnect() { this.lost(this.gen, 'reconnect asked'); }

  async connect() {
    const gen = ++this.gen;
    let token;
    try { token = await this.token(); } catch (e) { this.lost(gen, 'no token: ' + e); return; }
    if (gen !== this.gen || !this.running) return;
    const sep = this.url.includes('?') ? '&' : '?';
    let url = `${this.url}${sep}access_token=${encodeURIComponent(token)}&since=${this.state.lastSeq}`;
    if (this.proposedPing) url += `&ping=${this.proposedPing}`;
    const ws = new this.WebSocket(url);
    this.ws = ws;
    ws.onmessage = e => this.received(gen, e.data);
    ws.onclose = e => this.lost(gen, `closed ${e.code} ${e.reason || ''}`.trim());
    ws.onerror = () => this.lost(gen, 'error');
  }

  received(gen, text) {
    if (gen !== this.gen) return;
    if (text === 'q') { clearTimeout(this.timers.pong); this.timers.pong = null; return; }
    let f;
    try { f = JSON.parse(text); } catch (e) { return; }
    if (f.t === 'hi') {
      this.welcomed = true; this.backoff = 0; this.pingSeconds = f.ping || 270;
      this.clearTimers();
      // browsers cannot send WebSocket pings: a one-character text frame is the heartbeat
      this.timers.heartbeat = setInterval(() => {
        if (gen !== this.gen) return;
        this.raw(gen, 'p');
        if (!this.timers.pong) this.timers.pong = setTimeout(() => this.lost(gen, 'no pong'), this.pongTimeoutMs);
      }, this.pingSeconds * 1000);
      this.onConnection(true, 'connected');
      this.pump();
    } else if (f.t === 'msg') {
      const last = this.state.lastSeq;
      if (f.seq <= last) { this.raw(gen, JSON.stringify({ t: 'ack', seq: last })); return; }
      if (f.seq !== last + 1) { this.lost(gen, `gap: expected ${last + 1}, got ${f.seq}`); return; }
      this.state.lastSeq = f.seq; this.state.save();
      try { this.onReply({ seq: f.seq, id: f.id, time: f.time, agent: f.agent, text: f.text }); }
      finally { this.raw(gen, JSON.stringify({ t: 'ack', seq: f.seq })); }
    } else if (f.t === 'ack') {
      if (f.id && f.id === this.inFlight) {
        this.inFlight = null; this.dequeue(f.id);
        this.onAccepted(f.id, f.mid); this.pump();
      }
    } else if (f.t === 'err') {
      if (!f.id || f.id !== this.inFlight) return;
      if (f.status === 429 || f.status === 503) {
        const id = f.id;
        this.timers.retry = setTimeout(() => {
          if (gen === this.gen && this.inFlight === id) { this.inFlight = null; this.pump(); }
        }, Math.max(1, f.retryAfter || 1) * 1000);
      } else {
        this.inFlight = null; this.dequeue(f.id);
        this.onRefused(f.id, f.status, f.detail); this.pump();
      }
    }
  }

  dequeue(id) { this.state.outbox = this.state.outbox.filter(m => m.id !== id); this.state.save(); }

  pump() {
    if (!this.welcomed || this.inFlight || !this.ws || this.state.outbox.length === 0) return;
    const next = this.state.outbox[0];
    this.inFlight = next.id;
    this.raw(this.gen, JSON.stringify({ t: 'msg', id: next.id, text: next.text }));
  }

  raw(gen, frame) {
    if (gen === this.gen && this.ws && this.ws.readyState === 1) this.ws.send(frame);
  }

  clearTimers() {
    clearInterval(this.timers.heartbeat); clearTimeout(this.timers.pong); clearTimeout(this.timers.retry);
    this.timers = {};
  }

  lost(gen, why) {
    if (gen !== this.gen) return;
    this.gen++; this.clearTimers();
    if (this.ws) { const ws = this.ws; this.ws = null; ws.onclose = ws.onerror = ws.onmessage = null; try { ws.close(); } catch (e) { /* gone */ } }
    const was = this.welcomed;
    this.welcomed = false; this.inFlight = null;
    if (was || why) this.onConnection(false, why);
    if (!this.running) return;
    this.backoff = this.backoff ? Math.min(this.maxBackoffMs, this.backoff * 2) : 100;
    const pause = this.backoff / 2 + Math.random() * this.backoff / 2;
    setTimeout(() => this.connect(), pause);
  }
}
