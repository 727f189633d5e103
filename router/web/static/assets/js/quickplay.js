// Play now: ask the matchmaker for a seat, then open the room with the
// session already in place. After a while without a table, offer a bot:
// here while the search goes on, or on the room page (botoffer.js) while
// the table it found waits for players. The wait before the offer is
// ?bot_after=<seconds> (default 20), counted from the press.
import { $, show } from './dom.js';
import { APIError, newRequestID, quickPlay, roomFacts } from './api.js';
import { lastName, quickSeats, rememberName, saveSeat } from './session.js';

const RETRIES = 5;
const WORDS = {
  no_room: 'No table can be found right now. Try again in a moment, or play a bot.',
  bad_name: 'A name is 1 to 32 characters, without control characters.',
  quick_play_unavailable: 'Quick play is not offered here: open a room by its name below.',
};

function botAfterMs() {
  const s = Number(new URLSearchParams(location.search).get('bot_after'));
  return Number.isFinite(s) && s >= 0 && s <= 600 && s !== 0 ? s * 1000 : 20000;
}

let search = null; // { controller, timer }

function status(text) {
  $('play-status').textContent = text;
  show($('play-status'), !!text);
}

function fail(e) {
  const err = $('play-error');
  err.textContent = WORDS[e.code] || e.message;
  err.dataset.code = e.code || '';
  show(err, true);
}

// seat asks until a seat comes or the error is not worth retrying; a retry
// carries the same request_id, so it can never take a second seat. It
// waits as long as the answer's Retry-After asks: every ask counts against
// the address's joins, so an early one would only be refused again.
async function seat(body, signal) {
  for (let i = 0; ; i++) {
    try {
      return await quickPlay(body, signal);
    } catch (e) {
      const again = e instanceof APIError && !signal.aborted && i < RETRIES &&
        (e.code === 'network' || e.code === 'matchmaker_unavailable' || e.code === 'too_many_joins');
      if (!again) throw e;
      const wait = e.retryAfter > 0 ? e.retryAfter * 1000 + Math.random() * 500 : 500 + Math.random() * 1000;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

const WAITING = new Set(['Pending', 'Starting', 'Ready']);

// tableLeft finds a table of players this browser took a seat at with Play
// now and left while it still waits for players: pressing Play now again
// goes back to that seat, not to a second seat there, against one's own
// empty chair.
async function tableLeft(players) {
  for (const room of quickSeats(players).slice(0, 3)) {
    const [ns, name] = room.split('/');
    try {
      const f = await roomFacts(ns, name);
      if (WAITING.has(f.phase) && f.seated < f.seats) return room;
    } catch {
      // gone, or not answering: look for a new table
    }
  }
  return null;
}

function stop() {
  if (!search) return;
  clearTimeout(search.timer);
  search.controller.abort();
  search = null;
}

async function play(withBot) {
  const name = $('play-name').value.trim();
  show($('play-error'), false);
  if (!name || name.length > 32) {
    fail({ code: 'bad_name' });
    return;
  }
  stop();
  const players = Number($('play-seats').value) || 2;
  const offerAt = Date.now() + botAfterMs();
  const body = { game: 'cassino', players, name, request_id: newRequestID() };
  if (withBot) body.bots = players - 1;
  const controller = new AbortController();
  const mine = { controller, timer: 0 };
  search = mine;
  $('play-now').disabled = true;
  show($('play-bot'), false);
  status(withBot ? 'Setting up a table with bots…' : 'Looking for a table…');
  if (!withBot) mine.timer = setTimeout(() => show($('play-bot'), true), botAfterMs());
  try {
    const left = withBot ? null : await tableLeft(players);
    if (left && search === mine) {
      rememberName(name);
      status('Back to the table you left: it still waits for players…');
      location.assign(`/r/${left}`);
      return;
    }
    const s = await seat(body, controller.signal);
    rememberName(name);
    const room = saveSeat(s, name, withBot ? {} : { quick: { players, offer_at: offerAt } });
    status('Table found: taking your seat…');
    location.assign(`/r/${room}`);
  } catch (e) {
    if (search !== mine) return; // replaced by the bot's search
    status('');
    fail(e);
    // "No table right now" says a bot can be had: the offer stays.
    mine.offerBot = !withBot && e.code === 'no_room';
  } finally {
    if (search === mine) {
      clearTimeout(mine.timer);
      search = null;
      $('play-now').disabled = false;
      show($('play-bot'), !!mine.offerBot);
    }
  }
}

export function startQuickPlay() {
  const input = $('play-name');
  if (!input.value) input.value = lastName();
  $('play-form').dataset.botAfter = String(botAfterMs() / 1000);
  $('play-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    play(false);
  });
  $('play-bot').addEventListener('click', () => play(true));
  // Back from a table: the page comes from the back/forward cache as it
  // was left, "taking your seat" included.
  window.addEventListener('pageshow', (ev) => {
    if (!ev.persisted) return;
    stop();
    status('');
    $('play-now').disabled = false;
  });
}
