// One websocket to the room through the router, kept open: a dropped
// connection is reopened with jittered exponential back-off, and every
// opening says hello with the last sequence held, so nothing is missed.

const RETRY_BASE_MS = 250;
const RETRY_CAP_MS = 5000;

// Close codes that end the session on this page; every other close is
// retried (1001 router going away, 1012 room moved, 1013 storage hiccup,
// 4002 too slow, 1006 dropped).
export const CLOSE_REPLACED = 4001;
export const CLOSE_REFUSED = 4003;
// 4009: the room's stored match was lost; reconnecting cannot bring it back.
export const CLOSE_DATA_LOST = 4009;
const CLOSE_TOO_BIG = 1009;
// A hello or a play unanswered this long means a connection that died
// without closing (a network that stopped carrying data: the browser
// still says open, and only a close or an answer would tell): the page
// drops it and reconnects, and the play is sent again under its own
// action_id, so it is played at most once.
const ANSWER_WAIT_MS = 5000;
// An opening that neither opens nor fails this long (its handshake went
// into a network that passes nothing) is given up and tried again: the
// browser's own limit is minutes.
const CONNECT_WAIT_MS = 10000;
// While the player only waits for the others, the page sends nothing and
// the table may send nothing for minutes: after this long with nothing
// heard it sends a ping (PROTOCOL.md), whose pong is awaited as a play's
// answer is. A dead connection is noticed within this plus ANSWER_WAIT_MS.
const IDLE_PING_MS = 20000;
const QUICK_RETRY = new Set([1001, 1012]);

export function backoff(attempt, random = Math.random) {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  // Half the window plus a random share of the other half: the jitter
  // spreads a room's players (and a router's clients after a restart),
  // the floor keeps them from retrying in a tight loop.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Connection {
  // handlers: onMessage(msg), onState(state, info), hello() -> message to send.
  constructor(path, token, handlers) {
    this.path = path;
    this.token = token;
    this.h = handlers;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.stopped = false;
    this.answerWait = ANSWER_WAIT_MS;
    this.answerTimer = null;
    this.idlePing = IDLE_PING_MS;
    this.idleTimer = null;
    this.connectWait = CONNECT_WAIT_MS;
    this.connectTimer = null;
  }

  // awaitOpen gives up on ws if it has not opened within connectWait.
  awaitOpen(ws) {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.ws !== ws || this.stopped || ws.readyState !== WebSocket.CONNECTING) return;
      this.ws = null;
      ws.close();
      this.retry(1006);
    }, this.connectWait);
  }

  // awaitAnswer reconnects if nothing at all arrives within answerWait.
  awaitAnswer() {
    if (this.answerTimer !== null) return;
    const ws = this.ws;
    this.answerTimer = setTimeout(() => {
      this.answerTimer = null;
      if (this.ws === ws && !this.stopped) this.resync();
    }, this.answerWait);
  }

  // heard: something arrived, so the connection is alive; a ping goes
  // out if nothing more arrives for idlePing.
  heard() {
    clearTimeout(this.answerTimer);
    this.answerTimer = null;
    clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.stopped || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.send({ v: 1, type: 'ping' }, { answered: true });
    }, this.idlePing);
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${this.path}`;
  }

  open() {
    this.stopped = false;
    this.heard(); // a wait for the last socket's answer is over
    clearTimeout(this.timer);
    this.timer = null;
    this.h.onState(this.attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.attempt });
    let ws;
    try {
      ws = new WebSocket(this.url(), ['croupier.v1', 'croupier.token.' + this.token]);
    } catch (e) {
      this.retry(1006);
      return;
    }
    this.ws = ws;
    this.awaitOpen(ws);
    ws.onopen = () => {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
      ws.send(JSON.stringify(this.h.hello()));
      this.awaitAnswer();
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.heard();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // not ours to read; the server only sends JSON
      }
      if (msg.type === 'welcome') {
        this.attempt = 0;
        this.h.onState('open', {});
      }
      this.h.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.heard();
      if (this.stopped) return;
      if (ev.code === CLOSE_REPLACED) this.h.onState('replaced', { code: ev.code });
      else if (ev.code === CLOSE_REFUSED) this.h.onState('refused', { code: ev.code, reason: ev.reason });
      else if (ev.code === CLOSE_DATA_LOST) this.h.onState('lost', { code: ev.code });
      else if (ev.code === CLOSE_TOO_BIG) this.h.onState('failed', { code: ev.code });
      else this.retry(ev.code);
    };
  }

  retry(code) {
    const delay = QUICK_RETRY.has(code) ? backoff(0) : backoff(this.attempt);
    this.attempt++;
    this.h.onState('reconnecting', { attempt: this.attempt, code, delay });
    if (this.stopped) return; // the handler gave up on this session
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  // resync drops the socket and opens a new one at once: used when the
  // client notices it missed something.
  resync() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
    this.retry(1012);
  }

  // send sends msg if the socket is open; answered: the server answers
  // it (a play), so its silence means a dead connection (awaitAnswer).
  send(msg, { answered = false } = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    if (answered) this.awaitAnswer();
    return true;
  }

  // leave gives the seat back (before the match starts; PROTOCOL.md,
  // leave) and stops. It resolves once the server has closed the
  // connection, which it does after freeing the seat, or after wait ms.
  leave(wait = 1000) {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    return new Promise((resolve) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        resolve(false);
        return;
      }
      ws.addEventListener('close', () => resolve(true), { once: true });
      setTimeout(() => resolve(false), wait);
      ws.send(JSON.stringify({ v: 1, type: 'leave' }));
    });
  }

  stop() {
    this.stopped = true;
    this.heard();
    clearTimeout(this.connectTimer);
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  // closeWhileAway closes the socket while the page is left for another;
  // a page kept in the browser's back/forward cache would otherwise keep
  // it open, and the table would show its player as there. The page
  // reopens it if it comes back (resumeIfAway).
  closeWhileAway() {
    // Only a live connection: one given up on (another tab took the seat,
    // the session was refused) stays as it is.
    if (this.stopped || (!this.ws && this.timer === null)) return;
    this.away = true;
    this.stop();
  }

  resumeIfAway() {
    if (!this.away) return;
    this.away = false;
    this.attempt = 0;
    this.open();
  }
}

// closeWhileAway closes conn() while the page is hidden away in the
// browser's back/forward cache (or unloaded), and opens it again if the
// page is shown from that cache.
export function closeWhileAway(conn) {
  window.addEventListener('pagehide', () => conn()?.closeWhileAway());
  window.addEventListener('pageshow', (ev) => { if (ev.persisted) conn()?.resumeIfAway(); });
}
