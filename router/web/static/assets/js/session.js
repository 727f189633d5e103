// The session of one room lives in localStorage under the room's key, so a
// reload (or a new tab) resumes the same seat: the token, the last sequence
// seen and the hand tallies so far.
const PREFIX = 'croupier.room.';
const NAME_KEY = 'croupier.name';

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the game still plays, a reload joins anew.
  }
}

export function loadSession(room) {
  const s = read(PREFIX + room);
  if (!s || typeof s.token !== 'string' || !s.token) return null;
  if (s.expires_at && s.expires_at * 1000 <= Date.now()) {
    forgetSession(room);
    return null;
  }
  return s;
}

export function saveSession(room, s) {
  write(PREFIX + room, s);
}

// saveSeat keeps a quick play's answer as the session of its room, with
// extra fields, and returns the room ("namespace/name").
export function saveSeat(s, name, extra = {}) {
  const room = `${s.namespace}/${s.name}`;
  saveSession(room, { token: s.token, seat: s.seat, player_id: s.player_id, expires_at: s.expires_at, ws: s.ws, name, ...extra });
  return room;
}

// quickSeats lists the rooms whose seat came from Play now for a table of
// players, latest first, with tokens not yet expired.
export function quickSeats(players) {
  const seats = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      const room = key.slice(PREFIX.length);
      const s = loadSession(room);
      if (s && s.quick && s.quick.players === players) seats.push({ room, at: s.quick.offer_at || 0 });
    }
  } catch {
    // storage disabled: no seats to go back to
  }
  return seats.sort((a, b) => b.at - a.at).map((s) => s.room);
}

export function forgetSession(room) {
  try {
    localStorage.removeItem(PREFIX + room);
  } catch {
    // nothing to forget
  }
}

export function lastName() {
  const n = read(NAME_KEY);
  return typeof n === 'string' ? n : '';
}

export function rememberName(name) {
  write(NAME_KEY, name);
}
