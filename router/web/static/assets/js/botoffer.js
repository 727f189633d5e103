// The bot offer of a table found by Play now (quickplay.js) that still
// waits for players when the offer's time comes: a new table where house
// bots take every other seat. The seat left behind is given back (leave),
// so the next player is not seated against an empty chair.
import { $, show } from './dom.js';
import { newRequestID, quickPlay } from './api.js';
import { forgetSession, saveSeat } from './session.js';

let offered = false;

// offerBots calls due once session.quick.offer_at has passed (the page
// shows #play-bot while the table still waits for players), and makes
// #play-bot set up the table with bots, then leave the seat here (leave
// says false when the match here has started: the player stays). Every
// click retries the same request, so it never takes two seats.
export function offerBots(room, session, due, leave) {
  const q = session?.quick;
  if (offered || !q || !Number.isFinite(q.offer_at) || !(q.players > 1)) return;
  offered = true;
  setTimeout(due, Math.max(0, q.offer_at - Date.now()));
  const button = $('play-bot');
  const body = { game: 'cassino', players: q.players, name: session.name, bots: q.players - 1, request_id: newRequestID() };
  button.addEventListener('click', async () => {
    button.disabled = true;
    show($('play-bot-error'), false);
    try {
      const s = await quickPlay(body);
      if (!(await leave())) {
        $('play-bot-error').textContent = 'The match at this table has started: play it here.';
        show($('play-bot-error'), true);
        return;
      }
      const next = saveSeat(s, session.name);
      forgetSession(room);
      location.assign(`/r/${next}`);
    } catch (e) {
      $('play-bot-error').textContent = `No table with bots could be set up: ${e.message}`;
      show($('play-bot-error'), true);
      button.disabled = false;
    }
  });
}
