// Cards travel as two characters: rank (A23456789TJQK) and suit (SHDC).
// They are drawn with SVG suit marks, so no font needs the suit glyphs.

const SVG = 'http://www.w3.org/2000/svg';

const RANKS = { A: 'A', T: '10', J: 'J', Q: 'Q', K: 'K' };
const RANK_WORDS = { A: 'ace', T: '10', J: 'jack', Q: 'queen', K: 'king' };
const SUITS = {
  S: { word: 'spades', mark: '♠', red: false },
  H: { word: 'hearts', mark: '♥', red: true },
  D: { word: 'diamonds', mark: '♦', red: true },
  C: { word: 'clubs', mark: '♣', red: false },
};

// Suit shapes in a 24x24 box.
const SHAPES = {
  S: [['path', 'M12 2C6 8 2.5 11.5 2.5 15a4.5 4.5 0 0 0 8 2.8L9 22h6l-1.5-4.2a4.5 4.5 0 0 0 8-2.8C21.5 11.5 18 8 12 2z']],
  H: [['path', 'M12 21.5C6 16.5 2.5 13 2.5 8.7a5 5 0 0 1 9.5-2.3 5 5 0 0 1 9.5 2.3c0 4.3-3.5 7.8-9.5 12.8z']],
  D: [['path', 'M12 1.5 20.5 12 12 22.5 3.5 12z']],
  C: [
    ['circle', 12, 7, 4.6],
    ['circle', 6.8, 14.2, 4.6],
    ['circle', 17.2, 14.2, 4.6],
    ['path', 'M10.8 12h2.4l1.8 10H9z'],
  ],
};

export function rank(card) {
  return RANKS[card[0]] || card[0];
}

export function suitOf(card) {
  return SUITS[card[1]];
}

// cardName is the short label in text: "10♦".
export function cardName(card) {
  return rank(card) + (suitOf(card)?.mark || '?');
}

// cardWords is the spoken label: "10 of diamonds".
export function cardWords(card) {
  return `${RANK_WORDS[card[0]] || card[0]} of ${suitOf(card)?.word || '?'}`;
}

export function suitMark(suit) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'suit');
  svg.setAttribute('aria-hidden', 'true');
  for (const [kind, ...a] of SHAPES[suit] || []) {
    const el = document.createElementNS(SVG, kind);
    if (kind === 'path') el.setAttribute('d', a[0]);
    else {
      el.setAttribute('cx', a[0]);
      el.setAttribute('cy', a[1]);
      el.setAttribute('r', a[2]);
    }
    svg.append(el);
  }
  return svg;
}

// cardFace fills el (a button or a div) with the card's face.
export function cardFace(el, card) {
  el.classList.add('card', suitOf(card)?.red ? 'red' : 'black');
  el.dataset.card = card;
  el.setAttribute('aria-label', cardWords(card));
  const r = document.createElement('span');
  r.className = 'rank';
  r.textContent = rank(card);
  el.append(r, suitMark(card[1]));
  return el;
}

export function cardBack() {
  const el = document.createElement('span');
  el.className = 'card back';
  el.setAttribute('aria-hidden', 'true');
  return el;
}
