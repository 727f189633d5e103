// The room as this page knows it, folded from the server's messages. The
// server's view is the truth; events add the words for the log and the
// hand tallies, which a view does not carry.
import { cardName } from './cards.js';
import { buildWords } from './plays.js';

const LOG_LENGTH = 12;

export class Game {
  constructor(saved = {}) {
    this.seat = saved.seat ?? null;
    this.seats = 0;
    this.players = [];
    this.phase = 'connecting';
    this.seq = saved.last_seq ?? null;
    this.view = null;
    this.tallies = saved.tallies || [];
    // The last plays in words are kept with the session, as the tallies
    // are: a reload resumes after them, and the server sends only what
    // came since.
    this.log = Array.isArray(saved.log) ? saved.log.filter((l) => typeof l === 'string').slice(-LOG_LENGTH) : [];
    this.gap = false;
    // closed: the room is gone or lost its game; the table stays as it
    // last was, and nothing more can be played on it.
    this.closed = false;
  }

  // apply folds one server message in. It returns false when the message
  // shows a gap in the sequence: the caller reconnects to catch up.
  apply(msg) {
    switch (msg.type) {
      case 'welcome':
        this.seat = msg.seat;
        this.seats = msg.seats;
        this.phase = msg.phase;
        {
          const before = this.players;
          this.players = [];
          for (const p of msg.players || []) this.seen(p, before[p.seat]);
        }
        return true;
      case 'presence':
        if (msg.left) {
          // The seat is free again, before the start: its player left,
          // their session ended, or they were gone too long.
          delete this.players[msg.seat];
          return true;
        }
        this.seen({ seat: msg.seat, name: msg.name, connected: msg.connected, last_seen: msg.last_seen, bot: msg.bot === true });
        return true;
      case 'view':
        this.seq = msg.seq;
        this.phase = msg.phase;
        this.view = msg.view || null;
        return true;
      case 'event':
        return this.event(msg);
      default:
        return true;
    }
  }

  event(msg) {
    if (this.seq !== null && msg.seq <= this.seq) return true; // already held
    if (this.seq !== null && msg.seq !== this.seq + 1) return false;
    this.seq = msg.seq;
    // A move the room played for an away player (PROTOCOL.md, event).
    const standIn = (msg.action_id || '').startsWith('standin-');
    for (const e of msg.events || []) this.note(e, standIn);
    if (msg.view) {
      this.view = msg.view;
      this.phase = msg.view.finished ? 'finished' : 'playing';
    }
    return true;
  }

  name(seat) {
    if (seat === this.seat) return 'You';
    return this.players[seat]?.name || `Seat ${seat + 1}`;
  }

  note(e, standIn = false) {
    const who = this.name(e.seat);
    const cards = (cs) => (cs || []).map(cardName).join(' ');
    let line = null;
    switch (e.type) {
      case 'handStarted':
        line = `Hand ${e.hand}: ${this.name(e.dealer || 0)} deal${(e.dealer || 0) === this.seat ? '' : 's'}.`;
        break;
      case 'dealt':
        line = e.last ? 'Last deal.' : null;
        break;
      case 'captured': {
        // The sets and builds as the play buttons name them: "6♥ + 3♥,
        // build of 9 (5♦ + 4♦)"; the view still holds the table before.
        const taken = (e.sets || []).map((set) => (set || []).map(cardName).join(' + '));
        for (const id of e.builds || []) taken.push(buildWords(id, this.view?.builds));
        line = `${who} captured ${taken.join(', ')} with ${cardName(e.card)}.`;
        break;
      }
      case 'swept':
        line = `${who} swept the table.`;
        break;
      case 'built':
        line = `${who} built ${e.value} with ${cardName(e.card)}.`;
        break;
      case 'trailed':
        line = `${who} trailed ${cardName(e.card)}.`;
        break;
      case 'lastCards':
        line = `${who} take${e.seat === this.seat ? '' : 's'} the last cards: ${cards(e.cards) || 'none'}.`;
        break;
      case 'handScored':
        this.tallies = this.tallies.filter((t) => t.hand !== e.hand);
        this.tallies.push({ hand: e.hand, tally: e.tally, points: e.points, scores: e.scores });
        line = `Hand ${e.hand} scored: ${e.points.map((p, s) => `${this.name(s)} ${p}`).join(', ')}.`;
        break;
      case 'matchWon':
        line = `Match over: ${(e.winners || []).map((s) => this.name(s)).join(' and ')} won.`;
        break;
    }
    if (line && standIn && ['captured', 'built', 'trailed'].includes(e.type)) {
      line = line.replace(/\.$/, ` (played for ${e.seat === this.seat ? 'you' : 'them'} while away).`);
    }
    if (line) {
      this.log.push(line);
      if (this.log.length > LOG_LENGTH) this.log.shift();
    }
  }

  // seen records a seat's player. One who never connected (last_seen 0)
  // has no time of their own to be away from: they count from when this
  // page first saw them so.
  seen(p, before = this.players[p.seat]) {
    const never = !p.connected && !p.last_seen && !p.bot;
    p.unseen_since = never ? (before?.unseen_since ?? Date.now()) : undefined;
    this.players[p.seat] = p;
  }

  // awayFor is how long the person at seat has been disconnected (ms); 0
  // for you, a house bot or a connected player.
  awayFor(seat, now = Date.now()) {
    const p = this.players[seat];
    const since = p?.last_seen || p?.unseen_since;
    if (seat === this.seat || !p || p.bot || p.connected || !since) return 0;
    return Math.max(0, now - since);
  }

  myTurn() {
    const v = this.view;
    return !this.closed && !!v && !v.finished && v.turn === this.seat && (v.legal || []).length > 0;
  }
}
