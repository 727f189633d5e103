// The name form: it says what the API knows of the room, takes a seat and
// hands the new session over.
import { $, show } from './dom.js';
import { APIError, join, roomFacts } from './api.js';
import { noRoom, notice, setConnection } from './banner.js';
import { lastName, rememberName } from './session.js';

const JOIN_RETRIES = 30;

const JOIN_WORDS = {
  room_full: 'Every seat of this room is taken. Press Play now on the start page for another table.',
  player_away: 'A player seated here left before the match started: this room takes new players once they are back. Press Play now on the start page for another table.',
  bad_name: 'A name is 1 to 32 characters, without control characters.',
};

let target = null; // { ns, name, onJoined }

// factsWords says what GET /v1/rooms/{ns}/{name} tells about the room.
function factsWords(f) {
  if (!f || typeof f !== 'object') return '';
  const parts = [];
  if (typeof f.seats === 'number') parts.push(`${f.seated ?? 0} of ${f.seats} seats taken`);
  if (f.routable === false) parts.push('the room is starting');
  return parts.join(' · ');
}

// askName shows the form for the room; onJoined(session) gets the session
// once a seat is taken.
export function askName(ns, name, onJoined) {
  target = { ns, name, onJoined };
  setConnection('idle');
  show($('game'), false);
  show($('waiting'), false);
  show($('join-form'), true);
  const input = $('join-name');
  if (!input.value) input.value = lastName();
  input.focus();
  show($('watch-offer'), false);
  roomFacts(ns, name).then(
    (f) => {
      // A finished match has no seat left to take; what a visitor can
      // still have of it is its replay.
      if (f?.phase === 'Finished') {
        show($('join-form'), false);
        notice('finished', 'This match is over.', 'Watch its replay', () => location.assign(`/r/${ns}/${name}/replay`));
        return;
      }
      // Every seat is taken once the match is on: a visitor can only
      // watch it, where the room allows that, or find another table.
      if (f?.phase === 'Playing') {
        show($('join-form'), false);
        if (f.spectators?.allowed === true) {
          notice('full', 'Every seat of this table is taken: its match is being played.', 'Watch this match',
            () => location.assign(`/r/${ns}/${name}?watch=1`));
        } else {
          notice('full', 'Every seat of this table is taken: its match is being played. Press Play now on the start page for another table.',
            'Back to the start page', () => location.assign('/'));
        }
        return;
      }
      $('room-facts').textContent = factsWords(f);
      // Offered only where POST .../watch can succeed.
      show($('watch-offer'), f?.spectators?.allowed === true);
    },
    (e) => {
      if (e.status === 404) {
        show($('join-form'), false);
        noRoom('', `${ns}/${name}`);
      }
    },
  );
}

async function onSubmit(ev) {
  ev.preventDefault();
  if (!target) return;
  const { ns, name, onJoined } = target;
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
    const res = await joinWhenReady(ns, name, playerName);
    rememberName(playerName);
    show($('join-form'), false);
    onJoined({
      token: res.token,
      seat: res.seat,
      player_id: res.player_id,
      expires_at: res.expires_at,
      ws: res.ws,
      name: playerName,
    });
  } catch (e) {
    err.textContent = JOIN_WORDS[e.code] || e.message;
    err.dataset.code = e.code || '';
    show(err, true);
  } finally {
    $('join-submit').disabled = false;
  }
}

// A room whose pod is still starting answers 503; that is worth waiting for.
async function joinWhenReady(ns, name, playerName) {
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

$('join-form').addEventListener('submit', onSubmit);
