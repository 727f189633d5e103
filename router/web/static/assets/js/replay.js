// The replay page: a finished match from the router's replay endpoint,
// every hand face up, one log entry at a time. The server sends the table
// after each entry, so this page holds no rules code: it only draws.
// The address's fragment (#seq=42) is the point shown, so a copied
// address opens at that point.
import { $, h, show } from './dom.js';
import { cardFace } from './cards.js';
import { Game } from './game.js';

const [, , ns, name] = location.pathname.split('/');
const room = `${ns}/${name}`;
const roomPage = `/r/${ns}/${name}`;

let replay = null;
let seq = 1;

$('room-name').textContent = room;
document.title = `${room} · replay · Croupier`;

// seqFromHash reads #seq=N; anything else is the first entry.
function seqFromHash() {
  const m = /^#seq=(\d{1,6})$/.exec(location.hash);
  return m ? Number(m[1]) : 1;
}

function clamp(n) {
  return Math.min(Math.max(n, 1), replay.entries.length);
}

function go(n) {
  seq = clamp(n);
  const hash = `#seq=${seq}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  draw();
}

function playerName(s) {
  return replay.players.find((p) => p.seat === s)?.name || `Seat ${s + 1}`;
}

// lines says in words what the entry's events did, as the room page does.
function lines(entry) {
  const g = new Game();
  for (const p of replay.players) g.players[p.seat] = p;
  for (const e of entry.events || []) g.note(e);
  return g.log;
}

function draw() {
  const entry = replay.entries[seq - 1];
  const t = entry.table;
  const main = $('replay');
  main.dataset.seq = seq;
  main.dataset.hand = t.handNumber;
  main.dataset.finished = String(t.finished);
  $('position').textContent = `Entry ${seq} of ${replay.entries.length}`;
  $('first').disabled = $('back').disabled = seq === 1;
  $('forward').disabled = $('last').disabled = seq === replay.entries.length;
  $('seek').value = seq;
  $('hand-jump').value = String(t.handNumber);
  $('share-link').href = `${roomPage}/replay#seq=${seq}`;

  $('status').replaceChildren(
    h('span', { id: 'hand-number', dataset: { hand: t.handNumber } }, `Hand ${t.handNumber}`),
    h('span', { id: 'deal-number', dataset: { deal: t.deal } }, `Deal ${t.deal}`),
    h('span', { id: 'deck-count', dataset: { count: t.deckCount } }, `Deck ${t.deckCount}`),
    h('span', { id: 'dealer', dataset: { seat: t.dealer } }, `Dealer: ${playerName(t.dealer)}`),
  );
  $('seats').replaceChildren(...t.hands.map((hand, s) => h('li', {
    class: ['seat', t.turn === s && !t.finished ? 'turn' : ''].join(' ').trim(),
    dataset: { seat: s, score: t.scores[s], pileCount: t.pileCounts[s], turn: String(t.turn === s), dealer: String(t.dealer === s) },
  },
  h('span', { class: 'who' }, playerName(s)),
  t.dealer === s ? h('span', { class: 'badge' }, 'dealer') : null,
  h('span', { class: 'score' }, `${t.scores[s]} pts`),
  h('span', { class: 'counts' }, `pile ${t.pileCounts[s]} · sweeps ${t.sweeps[s]}`),
  h('div', { class: 'hand', dataset: { seat: s, count: (hand || []).length }, 'aria-label': `${playerName(s)}'s hand` },
    (hand || []).map((c) => cardFace(h('span'), c))),
  )));
  $('builds').replaceChildren(...(t.builds || []).map((b) => h('div', {
    class: 'build',
    dataset: { buildId: b.id, value: b.value, owner: b.owner },
  },
  h('span', { class: 'build-label' }, `Build of ${b.value}`, h('small', {}, ` · ${playerName(b.owner)}'s`)),
  h('span', { class: 'build-sets' }, b.sets.map((set) => h('span', { class: 'set' }, set.map((c) => cardFace(h('span'), c))))),
  )));
  const loose = (t.table || []).map((c) => cardFace(h('div'), c));
  $('table-cards').replaceChildren(...(loose.length ? loose : [h('p', { class: 'empty' }, 'No loose cards.')]));
  $('table-cards').dataset.count = (t.table || []).length;

  $('entry-title').textContent = entry.seat < 0 ? 'The deal' : `${playerName(entry.seat)} played`;
  $('entry-lines').replaceChildren(...lines(entry).map((l) => h('li', {}, l)));

  const result = $('result');
  show(result, t.finished);
  if (t.finished) {
    const winners = t.winners || [];
    result.dataset.winners = winners.join(',');
    result.replaceChildren(
      h('h2', {}, `${winners.map(playerName).join(' and ')} won the match.`),
      h('p', {}, 'Final scores: ', t.scores.map((sc, s) => `${playerName(s)} ${sc}`).join(', '), '.'),
    );
  }
}

// hands lists each hand with the first entry that shows it.
function hands() {
  const first = new Map();
  for (const e of replay.entries) {
    if (!first.has(e.table.handNumber)) first.set(e.table.handNumber, e.seq);
  }
  return first;
}

function start(data) {
  replay = data;
  const n = replay.entries.length;
  const starts = hands();
  $('hand-jump').replaceChildren(...[...starts].map(([hand, s]) => h('option', { value: hand, dataset: { seq: s } }, `Hand ${hand}`)));
  $('seek').max = n;
  $('first').addEventListener('click', () => go(1));
  $('back').addEventListener('click', () => go(seq - 1));
  $('forward').addEventListener('click', () => go(seq + 1));
  $('last').addEventListener('click', () => go(n));
  $('seek').addEventListener('input', (e) => go(Number(e.target.value)));
  $('hand-jump').addEventListener('change', (e) => go(starts.get(Number(e.target.value)) || 1));
  addEventListener('hashchange', () => go(seqFromHash()));
  addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || ['INPUT', 'SELECT'].includes(e.target.tagName)) return;
    const to = { ArrowLeft: seq - 1, ArrowRight: seq + 1, Home: 1, End: n }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    go(to);
  });
  $('replay').dataset.state = 'ready';
  $('replay').dataset.entries = n;
  show($('loading'), false);
  show($('viewer'), true);
  go(seqFromHash());
}

function refuse(state, text, link) {
  $('replay').dataset.state = state;
  show($('loading'), false);
  $('notice-text').textContent = text;
  const a = $('notice-link');
  if (link) {
    a.href = link.href;
    a.textContent = link.text;
  }
  show(a, !!link);
  show($('notice'), true);
}

async function load() {
  let res;
  try {
    res = await fetch(`/v1/rooms/${ns}/${name}/replay`, { cache: 'no-store' });
  } catch {
    refuse('failed', 'The server cannot be reached. Check your connection and reload.');
    return;
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    // a body cut short or not JSON: said below
  }
  if (res.ok && data?.entries?.length) {
    start(data);
    return;
  }
  switch (data?.code) {
    case 'match_in_progress':
      refuse('in-progress', 'This match is not over: it is being played, or its table still waits for players. Its replay opens when the match ends.', { href: roomPage, text: 'Go to the room' });
      return;
    case 'no_such_room':
      refuse('no-room', `There is no room ${room}: a replay lasts as long as its room.`, { href: '/', text: 'Back to the start page' });
      return;
  }
  refuse('failed', data?.message || `The replay could not be loaded (${res.status}). Reload to try again.`);
}

load();
