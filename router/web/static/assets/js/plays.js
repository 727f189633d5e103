// The plays offered are exactly view.legal: the client knows no rules. This
// file only groups them by card and puts them into words.
import { cardName } from './cards.js';

// byCard maps each card of the hand to its legal plays, in view.legal order.
export function byCard(legal) {
  const m = new Map();
  for (const a of legal || []) {
    if (!m.has(a.card)) m.set(a.card, []);
    m.get(a.card).push(a);
  }
  return m;
}

const list = (cards) => cards.map(cardName).join(' + ');

export function buildWords(id, builds) {
  const b = (builds || []).find((x) => x.id === id);
  if (!b) return `build ${id}`;
  return `build of ${b.value} (${b.sets.map(list).join(' / ')})`;
}

// describe says what a play does, e.g. "Capture 5♥ + 4♣, 9♦" or "Build 8 on A♥".
export function describe(action, builds) {
  const card = cardName(action.card);
  switch (action.type) {
    case 'capture': {
      const parts = (action.cards || []).map(list);
      for (const id of action.builds || []) parts.push(buildWords(id, builds));
      return `Capture ${parts.join(', ')} with ${card}`;
    }
    case 'build': {
      const parts = (action.cards || []).map(cardName);
      for (const id of action.builds || []) parts.push(buildWords(id, builds));
      return `Build ${action.value}: ${card} on ${parts.join(' + ')}`;
    }
    case 'trail':
      return `Trail ${card}`;
    default:
      return `${action.type} ${card}`;
  }
}

// involved lists the table cards and build ids a play touches, to light
// them up while the play is focused.
export function involved(action) {
  const cards = action.type === 'capture' ? (action.cards || []).flat() : action.cards || [];
  return { cards, builds: action.builds || [] };
}
