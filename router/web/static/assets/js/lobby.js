// The lobby on the start page: listed rooms, refetched every few seconds
// and whenever the page comes back into view.
import { $, h, show } from './dom.js';
import { lobby } from './api.js';

const EVERY_MS = 5000;

function words(r) {
  const parts = [`${r.seated} of ${r.seats} seats taken`];
  if (r.bots) parts.push(`${r.bots} bot${r.bots > 1 ? 's' : ''}`);
  if (r.rules?.targetScore) parts.push(`to ${r.rules.targetScore}`);
  if (r.phase !== 'Ready') parts.push(r.phase.toLowerCase());
  return parts.join(' · ');
}

function draw(rooms) {
  const list = $('lobby-rooms');
  list.replaceChildren(...rooms.map((r) => h('li', { dataset: { room: r.room, free: r.free } },
    h('a', { href: r.link }, r.room), ': ', words(r),
    r.watch ? [' ', h('a', { href: r.watch, class: 'button watch', 'aria-label': `Watch ${r.room}` }, 'Watch')] : null)));
  show($('lobby-empty'), rooms.length === 0);
}

async function refresh() {
  try {
    const l = await lobby('cassino');
    show($('lobby-error'), false);
    draw(Array.isArray(l?.rooms) ? l.rooms : []);
  } catch (e) {
    $('lobby-error').textContent = `The list of tables cannot be read now (${e.message})`;
    show($('lobby-error'), true);
    show($('lobby-empty'), false);
  }
}

export function startLobby() {
  refresh();
  setInterval(() => document.visibilityState === 'visible' && refresh(), EVERY_MS);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && refresh());
}
