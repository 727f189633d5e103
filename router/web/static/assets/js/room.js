// The room page: ask a name, join, then play over the websocket, resuming
// the stored session on a reload.
import { $, show } from './dom.js';
import { APIError, roomFacts } from './api.js';
import { dataLost, noRoom, notice, setConnection } from './banner.js';
import { Connection, closeWhileAway } from './connection.js';
import { Game } from './game.js';
import { offerBots } from './botoffer.js';
import { askName } from './joinform.js';
import { bindKeys, rememberFocus, restoreFocus } from './keys.js';
import { render } from './render.js';
import { forgetSession, loadSession, saveSession } from './session.js';
import { startWatching, watching } from './watch.js';

const [, , ns, name] = location.pathname.split('/');
const room = `${ns}/${name}`;

let session = loadSession(room);
let game = null;
let conn = null;
const ui = { picked: null, pending: null, error: null, errorCode: null, botOffer: false };
let actionCounter = 0;
const actionPrefix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');

$('room-name').textContent = room;
document.title = `${room} · Croupier`;

function draw() {
  if (!game) return;
  const focus = rememberFocus();
  render(game, ui, pick, play);
  restoreFocus(focus);
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
  conn.send(msg, { answered: true }); // if the socket is down, the pending play is sent after the reconnect
  draw();
}

function persist() {
  saveSession(room, { ...session, last_seq: game.seq, tallies: game.tallies, log: game.log });
}

function onMessage(msg) {
  switch (msg.type) {
    case 'view':
      game.apply(msg);
      if (ui.pending && ui.pending.ackedSeq !== undefined && msg.seq >= ui.pending.ackedSeq) ui.pending = null;
      else if (ui.pending) conn.send(ui.pending.msg, { answered: true }); // same action_id: played at most once
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
        setTimeout(() => ui.pending?.msg === again && conn.send(again, { answered: true }), 1000);
        return;
      }
      if (msg.code === 'data_lost') {
        // The notice says it, once; the error line stays quiet.
        ui.pending = null;
        ui.error = null;
        onState('lost', { message: msg.message });
        break;
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
        ask();
      });
      break;
    case 'lost':
      conn.stop();
      game.closed = true;
      draw();
      dataLost(info.message || ui.error);
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
      // The table does not see this page while it reconnects; nor does
      // its own seat say otherwise (the welcome puts it right).
      if (game?.players[game.seat]?.connected) {
        game.players[game.seat].connected = false;
        draw();
      }
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
      game.closed = true;
      draw();
      noRoom(`The room ${room} no longer exists.`);
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
  offerBots(room, session, () => { ui.botOffer = true; draw(); }, async () => {
    if (game?.phase !== 'waiting') return false;
    await conn.leave();
    return true;
  });
  // Time alone moves an away player's hint: redraw while one is awaited.
  setInterval(() => { if (game?.view && game.awayFor(game.view.turn) > 0) draw(); }, 5000);
  draw();
}

closeWhileAway(() => conn);

// Escape puts the picked card back, and the focus on it.
bindKeys({
  clear: () => {
    const card = ui.picked;
    ui.picked = null;
    draw();
    restoreFocus({ card });
  },
});

// ask shows the name form; joining starts the game with the new session.
function ask() {
  game = null;
  askName(ns, name, (s) => {
    session = s;
    saveSession(room, session);
    startPlaying();
  });
}

if (watching()) startWatching(ns, name);
else if (session) startPlaying();
else ask();
