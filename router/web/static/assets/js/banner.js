// The connection badge in the header and the notice under it: what the
// page says when the session is not simply playing.
import { $, show } from './dom.js';

const STATE_WORDS = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost: reconnecting…',
  replaced: 'Opened in another tab',
  refused: 'Session refused',
  lost: 'Game data lost',
  failed: 'Disconnected',
  idle: '',
};

export function setConnection(state, info = {}) {
  const el = $('connection');
  el.dataset.state = state;
  el.dataset.attempt = info.attempt ?? 0;
  el.textContent = STATE_WORDS[state] ?? state;
  document.body.dataset.connection = state;
}

// notice shows a message with one optional button; notice(null) hides it.
export function notice(kind, text, label, action) {
  const el = $('notice');
  el.dataset.kind = kind || '';
  $('notice-text').textContent = text || '';
  const btn = $('notice-action');
  btn.textContent = label || '';
  btn.onclick = action || null;
  show(btn, !!label);
  show(el, !!kind);
}

// dataLost: the room's storage lost the match; the table stays as last
// seen, and nothing the player does can bring the match back.
export function dataLost(text) {
  notice('data-lost', text || 'This room lost its saved game, so the match cannot go on.', 'Back to the start page',
    () => location.assign('/'));
}

// noRoom says a room does not exist; text defaults to why rooms go.
export function noRoom(text, room = '') {
  notice('no-room', text || noRoomText(room), 'Back to the start page', () => location.assign('/'));
}

function noRoomText(room) {
  return `There is no room ${room}. A room nobody plays in for its idle timeout (5 minutes by default) is deleted: ask whoever made it for a new one, or press Play now on the start page for a table.`;
}
