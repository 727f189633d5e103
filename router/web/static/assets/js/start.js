// The start page: open a room by "namespace/name" (or a pasted room link).
import { $, show } from './dom.js';
import { startLobby } from './lobby.js';
import { startQuickPlay } from './quickplay.js';

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const ROOM = new RegExp(`^(${LABEL})/(${LABEL}(\\.${LABEL})*)$`);

export function parseRoom(text) {
  let t = text.trim();
  try {
    t = new URL(t).pathname; // a pasted link
  } catch {
    // not a link: "namespace/name" or "/r/namespace/name"
  }
  t = t.replace(/^\/?(r\/)?/, '').replace(/\/$/, '');
  const m = ROOM.exec(t);
  return m && t.length <= 63 + 1 + 253 ? t : null;
}

$('open-room').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const room = parseRoom($('room-address').value);
  const err = $('open-room-error');
  if (!room) {
    err.textContent = 'Type a room as namespace/name, in lower-case letters, digits and "-", e.g. default/cassino-table.';
    show(err, true);
    return;
  }
  show(err, false);
  // A pasted watch link opens the room to watch, as the link itself would.
  let watch = '';
  try {
    if (new URL($('room-address').value.trim()).searchParams.get('watch') === '1') watch = '?watch=1';
  } catch {
    // "namespace/name": to sit at
  }
  location.assign(`/r/${room}${watch}`);
});

startQuickPlay();
startLobby();
