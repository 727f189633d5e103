// Keyboard play: arrows move between cards (and between plays), Enter or
// Space picks (buttons do that by themselves), digits 1-9 choose a play of
// the picked card, Escape puts the card back. The table is redrawn on
// every message, so the focus is carried over each redraw.
import { $ } from './dom.js';

function move(container, step) {
  const buttons = [...container.querySelectorAll('button:not([disabled])')];
  if (!buttons.length) return;
  const i = buttons.indexOf(document.activeElement);
  const next = i < 0 ? 0 : (i + step + buttons.length) % buttons.length;
  buttons[next].focus();
}

export function bindKeys({ clear }) {
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLInputElement || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const inHand = document.activeElement?.closest?.('#hand');
    const inPlays = document.activeElement?.closest?.('#plays');
    if (/^[1-9]$/.test(ev.key)) {
      const b = $('plays').querySelector(`[data-play-index="${Number(ev.key) - 1}"]`);
      if (b && !b.disabled) {
        ev.preventDefault();
        b.click();
      }
    } else if (ev.key === 'Escape') {
      clear();
    } else if ((ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') && (inHand || !inPlays)) {
      ev.preventDefault();
      move($('hand'), ev.key === 'ArrowRight' ? 1 : -1);
    } else if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && inPlays) {
      ev.preventDefault();
      move($('plays'), ev.key === 'ArrowDown' ? 1 : -1);
    }
  });
}

// rememberFocus notes which card or play has the focus before a redraw.
export function rememberFocus() {
  const el = document.activeElement;
  if (!el) return null;
  if (el.dataset?.playIndex !== undefined) return { play: el.dataset.playIndex };
  if (el.closest?.('#hand') && el.dataset.card) return { card: el.dataset.card };
  return null;
}

// restoreFocus puts the focus back on the same card or play, or on the
// first card that can be played.
export function restoreFocus(f) {
  if (!f) return;
  const sel = f.play !== undefined ? `#plays [data-play-index="${f.play}"]` : `#hand [data-card="${f.card}"]`;
  const el = document.querySelector(sel);
  if (el && !el.disabled) el.focus();
  else $('hand').querySelector('button:not([disabled])')?.focus();
}
