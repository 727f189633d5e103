// The bot offer of a table found by Play now (quickplay.js) that still
// waits for players when the offer's time comes: a new table where house
// bots take every other seat. The seat left behind stays taken until its
// room is collected as idle, as any seat of a player who goes away.
import { $, show } from './dom.js';
import { newRequestID, quickPlay } from './api.js';
import { forgetSession, saveSeat } from './session.js';

let offered = false;

// offerBots shows #play-bot once session.quick.offer_at has passed, if
// waiting() still says the table waits for players.
export function offerBots(room, session, waiting) {
  const q = session?.quick;
  if (offered || !q || !Number.isFinite(q.offer_at) || !(q.players > 1)) return;
  offered = true;
  const button = $('play-bot');
  setTimeout(() => show(button, waiting()), Math.max(0, q.offer_at - Date.now()));
  button.addEventListener('click', async () => {
    button.disabled = true;
    show($('play-bot-error'), false);
    try {
      const s = await quickPlay({ game: 'cassino', players: q.players, name: session.name, bots: q.players - 1, request_id: newRequestID() });
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
