// Drawing the table from the Game. Every part is redrawn from state on each
// change; ids and data-* attributes are stable so tests and styles can
// find them.
import { $, h, show } from './dom.js';
import { cardFace, cardBack, cardName } from './cards.js';
import { byCard, describe, involved } from './plays.js';

// A seat to play whose player has been gone this long gets a word to the
// others: the match waits for them until the house plays their turns
// (GAMESERVER.md, Stand-ins; a minute away by default).
const AWAY_HINT_MS = 30_000;

function minutes(ms) {
  const m = Math.floor(ms / 60_000);
  return m < 1 ? 'under a minute' : m === 1 ? '1 minute' : `${m} minutes`;
}

// render draws g; ui holds what only this page knows: the picked card, a
// play waiting for its ack, the last error, and whether bots are offered
// (botoffer.js).
export function render(g, ui, onPick, onPlay) {
  const room = $('room');
  const v = g.view;
  room.dataset.phase = g.phase;
  room.dataset.seq = g.seq ?? '';
  room.dataset.seat = g.seat ?? '';
  show($('waiting'), g.phase === 'waiting');
  show($('game'), !!v);
  if (g.phase === 'waiting') {
    const seated = g.players.filter(Boolean).length;
    $('waiting-text').textContent = `Waiting for players: ${seated} of ${g.seats} seats taken.`;
    show($('play-bot'), ui.botOffer);
  }
  if (!v) return;
  room.dataset.turn = v.turn;
  room.dataset.myTurn = String(g.myTurn());
  status(g, v, ui);
  seats(g, v);
  table(g, v);
  hand(g, v, ui, onPick, onPlay);
  error(ui);
  result(g, v);
  tallies(g);
  log(g);
}

function status(g, v, ui) {
  const el = $('status');
  el.replaceChildren(
    h('span', { id: 'hand-number', dataset: { hand: v.handNumber } }, `Hand ${v.handNumber}`),
    h('span', { id: 'deal-number', dataset: { deal: v.deal, lastDeal: String(v.lastDeal) } },
      v.lastDeal ? `Deal ${v.deal} (last deal)` : `Deal ${v.deal}`),
    h('span', { id: 'deck-count', dataset: { count: v.deckCount } }, `Deck ${v.deckCount}`),
    h('span', { id: 'dealer', dataset: { seat: v.dealer } }, `Dealer: ${g.name(v.dealer)}`),
  );
  const hint = $('turn-hint');
  hint.dataset.turn = v.turn;
  if (v.finished) hint.textContent = 'The match is over.';
  else if (g.closed) hint.textContent = 'This table is closed: nothing more can be played here.';
  // A play sent stays pending until its event comes back; while the
  // connection is down, that is until the page is back at the table.
  else if (g.myTurn() && ui?.pending) hint.textContent = 'Your play is on its way to the table…';
  else if (g.myTurn()) hint.textContent = 'Your turn: pick a card, then a play.';
  else if (g.awayFor(v.turn) >= AWAY_HINT_MS) {
    hint.textContent = `${g.name(v.turn)} to play, away for ${minutes(g.awayFor(v.turn))}: the house plays for a player who stays away, until they are back; or press Play now on the start page for another table.`;
  } else hint.textContent = `${g.name(v.turn)} to play.`;
  hint.dataset.away = String(g.awayFor(v.turn) >= AWAY_HINT_MS);
}

function seats(g, v) {
  const items = [];
  for (let s = 0; s < v.handCounts.length; s++) {
    const p = g.players[s];
    const me = s === g.seat;
    // Your own seat is connected unless the page knows it is not (it is
    // reconnecting).
    const connected = !g.closed && (me ? p?.connected !== false : !!p?.connected);
    const bot = !me && !!p?.bot;
    const presence = bot ? 'house bot' : connected ? 'connected' : 'not connected';
    // Partners sit opposite (seats 0+2 and 1+3) and share one score.
    const team = v.options?.partnerships ? (s % 2) + 1 : 0;
    const partner = team > 0 && !me && g.seat !== null && g.seat >= 0 && s % 2 === g.seat % 2;
    items.push(h('li', {
      class: ['seat', me ? 'me' : '', v.turn === s && !v.finished ? 'turn' : ''].join(' ').trim(),
      dataset: {
        seat: s,
        connected: String(connected),
        bot: String(bot),
        handCount: v.handCounts[s],
        pileCount: v.pileCounts[s],
        score: v.scores[s],
        dealer: String(v.dealer === s),
        turn: String(v.turn === s),
        team: team || '',
        partner: String(partner),
      },
    },
    h('span', { class: bot ? 'presence bot' : 'presence', title: presence }),
    h('span', { class: 'who' }, me ? `${p?.name || 'You'} (you)` : p?.name || `Seat ${s + 1}`),
    team ? h('span', { class: 'badge team-badge' }, partner ? `your partner · team ${team}` : `team ${team}`) : null,
    v.dealer === s ? h('span', { class: 'badge' }, 'dealer') : null,
    h('span', { class: 'score' }, `${v.scores[s]} pts`),
    h('span', { class: 'counts' }, `hand ${v.handCounts[s]} · pile ${v.pileCounts[s]}`),
    me ? null : h('span', { class: 'backs', 'aria-hidden': 'true' }, Array.from({ length: v.handCounts[s] }, cardBack)),
    bot ? h('span', { class: 'badge bot-badge' }, 'house bot') : null,
    h('span', { class: 'sr-only' }, presence),
    ));
  }
  $('seats').replaceChildren(...items);
}

function table(g, v) {
  const owner = (s) => (s === g.seat ? 'yours' : `${g.name(s)}'s`);
  $('builds').replaceChildren(...(v.builds || []).map((b) => h('div', {
    class: 'build',
    dataset: { buildId: b.id, value: b.value, owner: b.owner },
  },
  h('span', { class: 'build-label' }, `Build of ${b.value}`, h('small', {}, ` · ${owner(b.owner)}`)),
  h('span', { class: 'build-sets' }, b.sets.map((set) => h('span', { class: 'set' }, set.map((c) => cardFace(h('span'), c))))),
  )));
  const cards = (v.table || []).map((c) => cardFace(h('div'), c));
  $('table-cards').replaceChildren(...(cards.length ? cards : [h('p', { class: 'empty' }, 'No loose cards.')]));
  $('table-cards').dataset.count = (v.table || []).length;
}

function hand(g, v, ui, onPick, onPlay) {
  const plays = byCard(g.myTurn() ? v.legal : []);
  const buttons = (v.hand || []).map((c) => {
    const legal = plays.has(c) && !ui.pending;
    const b = cardFace(h('button', {
      type: 'button',
      class: ui.picked === c ? 'picked' : '',
      dataset: { legal: String(legal) },
      'aria-pressed': String(ui.picked === c),
      disabled: !legal,
      onclick: () => onPick(c),
    }), c);
    return b;
  });
  $('hand').replaceChildren(...buttons);
  $('hand').dataset.count = (v.hand || []).length;

  const picked = ui.picked && plays.get(ui.picked);
  const el = $('plays');
  if (!picked) {
    el.replaceChildren();
    el.dataset.card = '';
    return;
  }
  el.dataset.card = ui.picked;
  el.replaceChildren(
    h('p', { class: 'plays-title' }, `Plays for ${cardName(ui.picked)}:`),
    ...picked.map((a, i) => h('button', {
      type: 'button',
      class: 'play',
      dataset: { playIndex: i, playType: a.type, action: JSON.stringify(a) },
      disabled: !!ui.pending,
      onclick: () => onPlay(a),
      onfocus: () => highlight(a),
      onmouseenter: () => highlight(a),
      onblur: () => highlight(null),
      onmouseleave: () => highlight(null),
    }, h('kbd', {}, String(i + 1)), ' ', describe(a, v.builds))),
  );
}

function highlight(action) {
  for (const el of document.querySelectorAll('.involved')) el.classList.remove('involved');
  if (!action) return;
  const { cards, builds } = involved(action);
  for (const c of cards) $('table-cards').querySelector(`[data-card="${c}"]`)?.classList.add('involved');
  for (const b of builds) $('builds').querySelector(`[data-build-id="${b}"]`)?.classList.add('involved');
}

function error(ui) {
  const el = $('error');
  el.textContent = ui.error || '';
  el.dataset.code = ui.errorCode || '';
  show(el, !!ui.error);
}

function result(g, v) {
  const el = $('result');
  show(el, v.finished);
  if (!v.finished) return;
  const winners = v.winners || [];
  const won = winners.includes(g.seat);
  const names = winners.map((s) => g.name(s));
  el.dataset.winners = winners.join(',');
  // A spectator (seat -1) neither won nor lost.
  el.dataset.outcome = g.seat < 0 ? 'watched' : won ? 'won' : 'lost';
  el.replaceChildren(
    h('h2', {}, won ? 'You won the match!' : `${names.join(' and ')} won the match.`),
    h('p', {}, 'Final scores: ', v.scores.map((sc, s) => `${g.name(s)} ${sc}`).join(', '), '.'),
    h('a', { href: '/', class: 'button' }, 'Back to the start page'),
    ' ',
    h('a', { href: `${location.pathname}/replay`, class: 'button', id: 'replay-link' }, 'Watch the replay'),
  );
}

// Short headings keep the table inside a 360 px screen; the title says
// each in full.
const TALLY_COLUMNS = [
  ['Cards', 'cards captured', (t) => t.cards],
  ['♠', 'spades captured', (t) => t.spades],
  ['Aces', 'aces captured', (t) => t.aces],
  ['10♦', 'big casino, the ten of diamonds', (t) => (t.bigCasino ? '✓' : '')],
  ['2♠', 'little casino, the two of spades', (t) => (t.littleCasino ? '✓' : '')],
  ['Sw.', 'sweeps', (t) => t.sweeps],
];

export function tallies(g) {
  const tables = [...g.tallies].reverse().map((t) => h('table', { class: 'tally', dataset: { hand: t.hand } },
    h('caption', {}, `Hand ${t.hand}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Player')),
      TALLY_COLUMNS.map(([n, title]) => h('th', { scope: 'col', title }, n)),
      h('th', { scope: 'col', title: 'points this hand' }, 'Pts'),
      h('th', { scope: 'col', title: 'match score after this hand' }, 'Total'))),
    h('tbody', {}, t.tally.map((row, s) => h('tr', { dataset: { seat: s } },
      h('th', { scope: 'row', title: g.name(s) }, g.name(s)),
      TALLY_COLUMNS.map(([, , f]) => h('td', {}, f(row))),
      h('td', { class: 'points' }, t.points[s]),
      h('td', { class: 'total' }, t.scores[s])))),
  ));
  $('tallies').replaceChildren(...(tables.length ? [h('h2', {}, 'Hand tallies'), ...tables] : []));
}

function log(g) {
  $('log').replaceChildren(...[...g.log].reverse().map((line) => h('li', {}, line)));
}
