// The room page: ask a name, join, then play over the websocket, resuming
// the stored session on a reload.
import { $, show } from './dom.js';
import { APIError, join, roomFacts } from './api.js';
import { Connection } from './connection.js';
import { Game } from './game.js';
import { render } from './render.js';
import { forgetSession, lastName, loadSession, rememberName, saveSession } from './session.js';
import { bindKeys } from './keys.js';

const [, , ns, name] = location.pathname.split('/');
const room = `${ns}/${name}`;
const JOIN_RETRIES = 30;

let session = loadSession(room);
let game = null;
let conn = null;
const ui = { picked: null, pending: null, error: null, errorCode: null };
let actionCounter = 0;
const actionPrefix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');

$('room-name').textContent = room;
document.title = `${room} · Croupier`;

function notice(kind, text, label, action) {
  const el = $('notice');
  el.dataset.kind = kind || '';
  $('notice-text').textContent = text || '';
  const btn = $('notice-action');
  btn.textContent = label || '';
  btn.onclick = action || null;
  show(btn, !!label);
  show(el, !!kind);
}

const STATE_WORDS = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  replaced: 'Opened in another tab',
  refused: 'Session refused',
  failed: 'Disconnected',
  idle: '',
};

function setConnection(state, info = {}) {
  const el = $('connection');
  el.dataset.state = state;
  el.dataset.attempt = info.attempt ?? 0;
  el.textContent = STATE_WORDS[state] ?? state;
  document.body.dataset.connection = state;
}

function draw() {
  if (!game) return;
  const focus = rememberFocus();
  render(game, ui, pick, play);
  restoreFocus(focus);
}

function rememberFocus() {
  const el = document.activeElement;
  if (!el) return null;
  if (el.dataset?.playIndex !== undefined) return { play: el.dataset.playIndex };
  if (el.closest?.('#hand') && el.dataset.card) return { card: el.dataset.card };
  return null;
}

function restoreFocus(f) {
  if (!f) return;
  const sel = f.play !== undefined ? `#plays [data-play-index="${f.play}"]` : `#hand [data-card="${f.card}"]`;
  const el = document.querySelector(sel);
  if (el && !el.disabled) el.focus();
  else $('hand').querySelector('button:not([disabled])')?.focus();
}

function pick(card) {
  ui.picked = ui.picked === card ? null : card;
  ui.error = null;
  draw();
  if (ui.picked) $('plays').querySelector('button')?.focus();
}

function play(action) {
  if (ui.pending || !game?.myTurn()) return;
  const msg = { v: 1, type: 'action', action_id: `${actionPrefix}-${++actionCounter}`, action };
  ui.pending = { msg };
  ui.picked = null;
  ui.error = null;
  conn.send(msg); // if the socket is down, the pending play is sent after the reconnect
  draw();
}

function persist() {
  saveSession(room, { ...session, last_seq: game.seq, tallies: game.tallies });
}

function onMessage(msg) {
  switch (msg.type) {
    case 'view':
      game.apply(msg);
      if (ui.pending && ui.pending.ackedSeq !== undefined && msg.seq >= ui.pending.ackedSeq) ui.pending = null;
      else if (ui.pending) conn.send(ui.pending.msg); // same action_id: played at most once
      break;
    case 'event':
      if (!game.apply(msg)) {
        conn.resync();
        return;
      }
      if (ui.pending && (msg.action_id === ui.pending.msg.action_id || msg.seq >= (ui.pending.ackedSeq ?? Infinity))) ui.pending = null;
      break;
    case 'ack':
      // The play stays pending until its event brings the new view, so
      // the old view's cards are not offered again in between.
      if (ui.pending?.msg.action_id === msg.action_id) {
        if (msg.duplicate) ui.pending = null;
        else ui.pending.ackedSeq = msg.seq;
      }
      break;
    case 'error':
      if (msg.code === 'rate_limited' && ui.pending?.msg.action_id === msg.action_id) {
        const again = ui.pending.msg;
        setTimeout(() => ui.pending?.msg === again && conn.send(again), 1000);
        return;
      }
      if (msg.action_id && ui.pending?.msg.action_id === msg.action_id) ui.pending = null;
      ui.error = msg.message || msg.code;
      ui.errorCode = msg.code;
      break;
    default:
      game.apply(msg);
  }
  if (ui.picked && !(game.myTurn() && game.view.legal.some((a) => a.card === ui.picked))) ui.picked = null;
  if (msg.type === 'view' || msg.type === 'event') persist();
  draw();
}

function onState(state, info) {
  setConnection(state, info);
  switch (state) {
    case 'open':
      notice(null);
      break;
    case 'replaced':
      notice('replaced', 'This room is open in another tab or window, which took over.', 'Play here', () => {
        notice(null);
        conn.open();
      });
      break;
    case 'refused':
      conn.stop();
      notice('refused', `Your seat's session was refused${ui.error ? `: ${ui.error}` : ''}. You can join the room again.`, 'Join again', () => {
        forgetSession(room);
        session = null;
        notice(null);
        askName();
      });
      break;
    case 'failed':
      notice('failed', 'The connection was closed by the server.', 'Reconnect', () => conn.open());
      break;
    case 'reconnecting':
      if (session.expires_at && session.expires_at * 1000 <= Date.now()) {
        onState('refused', {}); // the router refuses an expired token before any close code
        return;
      }
      if (info.attempt > 0 && info.attempt % 4 === 0) checkRoomStillThere();
      break;
  }
}

// A router refuses the websocket of a room that is gone before any close
// code can be sent, so repeated failures ask the API what became of it.
async function checkRoomStillThere() {
  try {
    await roomFacts(ns, name);
  } catch (e) {
    if (e instanceof APIError && e.status === 404) {
      conn.stop();
      setConnection('failed');
      notice('no-room', `The room ${room} no longer exists.`, 'Back to the start page', () => location.assign('/'));
    }
  }
}

function startPlaying() {
  show($('join-form'), false);
  game = new Game(session);
  conn = new Connection(session.ws || `/v1/rooms/${ns}/${name}/ws`, session.token, {
    hello: () => {
      const m = { v: 1, type: 'hello', token: session.token };
      if (game.seq !== null) m.last_seq = game.seq;
      return m;
    },
    onMessage,
    onState,
  });
  conn.open();
  draw();
}

// factsWords says what GET /v1/rooms/{ns}/{name} tells about the room.
function factsWords(f) {
  if (!f || typeof f !== 'object') return '';
  const parts = [];
  if (typeof f.seats === 'number') parts.push(`${f.seated ?? 0} of ${f.seats} seats taken`);
  if (f.routable === false) parts.push('the room is starting');
  return parts.join(' · ');
}

function askName() {
  game = null;
  setConnection('idle');
  show($('game'), false);
  show($('waiting'), false);
  show($('join-form'), true);
  const input = $('join-name');
  if (!input.value) input.value = lastName();
  input.focus();
  roomFacts(ns, name).then(
    (f) => ($('room-facts').textContent = factsWords(f)),
    (e) => {
      if (e.status === 404) {
        show($('join-form'), false);
        notice('no-room', `There is no room ${room}.`, 'Back to the start page', () => location.assign('/'));
      }
    },
  );
}

const JOIN_WORDS = {
  room_full: 'Every seat of this room is taken.',
  bad_name: 'A name is 1 to 32 characters, without control characters.',
};

async function onJoin(ev) {
  ev.preventDefault();
  const playerName = $('join-name').value.trim();
  const err = $('join-error');
  show(err, false);
  if (!playerName || playerName.length > 32) {
    err.textContent = JOIN_WORDS.bad_name;
    show(err, true);
    return;
  }
  $('join-submit').disabled = true;
  try {
    const res = await joinWhenReady(playerName);
    rememberName(playerName);
    session = {
      token: res.token,
      seat: res.seat,
      player_id: res.player_id,
      expires_at: res.expires_at,
      ws: res.ws,
      name: playerName,
    };
    saveSession(room, session);
    startPlaying();
  } catch (e) {
    err.textContent = JOIN_WORDS[e.code] || e.message;
    err.dataset.code = e.code || '';
    show(err, true);
  } finally {
    $('join-submit').disabled = false;
  }
}

// A room whose pod is still starting answers 503; that is worth waiting for.
async function joinWhenReady(playerName) {
  for (let i = 0; ; i++) {
    try {
      return await join(ns, name, playerName);
    } catch (e) {
      if (!(e instanceof APIError) || e.status !== 503 || i >= JOIN_RETRIES) throw e;
      $('room-facts').textContent = 'The room is starting…';
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
    }
  }
}

$('join-form').addEventListener('submit', onJoin);
bindKeys({ clear: () => { ui.picked = null; draw(); $('hand').querySelector('button:not([disabled])')?.focus(); } });

if (session) startPlaying();
else askName();
