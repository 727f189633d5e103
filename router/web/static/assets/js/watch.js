// Watch mode (/r/{ns}/{name}?watch=1): the table as a spectator sees it,
// public information only, some actions behind the table when the room
// says so. No hand, no plays: a spectator cannot act, and the server would
// refuse it anyway. The spectator's token is not stored: a reload asks for
// a new one, and a seat's stored session on this page is left alone.
import { $, show } from './dom.js';
import { watch } from './api.js';
import { noRoom, notice, setConnection } from './banner.js';
import { Connection, closeWhileAway } from './connection.js';
import { Game } from './game.js';
import { render } from './render.js';

export function watching() {
  return new URLSearchParams(location.search).get('watch') === '1';
}

const noop = () => {};

export async function startWatching(ns, name) {
  document.body.dataset.mode = 'watch';
  show($('join-form'), false);
  show($('hand-area'), false);
  let s;
  try {
    s = await watch(ns, name);
  } catch (e) {
    if (e.code === 'no_such_room') {
      noRoom('', `${ns}/${name}`);
      return;
    }
    const text = e.code === 'spectators_not_allowed' ? 'This room does not allow spectators.'
      : e.code === 'spectators_full' ? 'This room has as many spectators as it allows. Try again later.'
        : e.message;
    notice('refused', text, 'Back to the start page', () => location.assign('/'));
    return;
  }
  banner(s.delay);
  const game = new Game({ seat: -1 });
  const ui = { picked: null, pending: null, error: null, errorCode: null };
  const draw = () => {
    render(game, ui, noop, noop);
    show($('hand-area'), false);
  };
  const conn = new Connection(s.ws || `/v1/rooms/${ns}/${name}/ws`, s.token, {
    hello: () => {
      const m = { v: 1, type: 'hello', token: s.token };
      if (game.seq !== null) m.last_seq = game.seq;
      return m;
    },
    onMessage: (msg) => {
      if (msg.type === 'error') {
        ui.error = msg.message || msg.code;
        ui.errorCode = msg.code;
      } else if (!game.apply(msg)) {
        conn.resync();
        return;
      }
      draw();
    },
    onState: (state, info) => {
      setConnection(state, info);
      if (state === 'open') notice(null);
      if (state === 'refused') {
        conn.stop();
        notice('refused', `Watching was refused${ui.error ? `: ${ui.error}` : ''}.`, 'Watch again', () => location.reload());
      }
    },
  });
  closeWhileAway(() => conn);
  conn.open();
}

function banner(delay) {
  const el = $('watching');
  el.dataset.delay = delay || 0;
  $('watching-text').textContent = delay > 0
    ? `Watching: you see what every player sees, ${delay} action${delay === 1 ? '' : 's'} behind the table.`
    : 'Watching: you see what every player sees.';
  show(el, true);
}
