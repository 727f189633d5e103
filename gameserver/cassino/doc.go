// Package cassino plays the standard English fishing game Cassino for 2, 3
// or 4 players (two partnerships by default at 4).
//
// The package is pure: no I/O, no goroutines, no clocks and no global
// random source. A match is a fold of its Setup (options and seed) and the
// events that happened: Decide validates an action and computes its events
// without touching the match, Evolve folds them in, and Apply does both.
// The shuffle of every hand is drawn from the seed and the hand number, so
// deals are events whose content the state fully determines, and replaying
// the logged events of a match always rebuilds the live state exactly.
//
// Hidden information stays hidden: View and Event.For give a seat only what
// it may see (its own hand, the table, counts of the others' hands), never
// another hand or the order of the deck.
//
// View, LegalActions and Apply hand out lists of the caller's own. A caller
// that plays move after move and reads each view and event list once (a
// bot's playouts) may lend the match a Scratch instead: ViewInto and
// ApplyInto return the same content in its memory, valid until the next
// call, and plays then allocate little, mostly at the end of a hand.
//
// # Readings of the rules
//
// Where the rules leave a choice open, the engine reads them this way:
//
//   - A capture names what it takes. A number card takes every loose card
//     of its rank and every build of its value with it, whatever else it
//     takes: a capture that leaves one of them is refused, so the owner of
//     a build can never leave it behind. Which sets of loose cards summing
//     to its value it also takes is the player's choice. A court takes
//     exactly one card of its rank, all three when the other three lie on
//     the table, and with courtCapturesAll every card of its rank on the
//     table (not a choice).
//   - A court card never counts in a sum: it cannot be part of a set that
//     a number card captures, nor of a build.
//   - A single build is increased by the played card alone, never with
//     cards from the table. The same play may also join further sets or
//     builds of the new value, which makes the build multiple at once.
//   - A build joining other builds keeps the id of the oldest of them; a
//     build made from loose cards only gets a new id ("b1", "b2", ...).
//   - A player who may not trail because their side owns a build, but has
//     no capture or build at all, may trail: otherwise a partner's build
//     could leave them without a legal play.
//   - Cards left on the table at the end of a hand go to the dealer when
//     nobody captured during the hand.
//   - Scores are kept per seat; partners always show their side's score.
//   - LegalActions lists each distinct play once. Two groupings of the same
//     cards into sets have the same outcome; so do loose cards of one rank
//     and one role for scoring (7H, 7D and 7C; but never 7S, nor the ten of
//     diamonds), which every rule and score treat alike: the list names the
//     first such cards on the table, and Apply accepts any of them.
//   - A table made pathological on purpose (players trailing card after
//     card) can hold millions of distinct plays; past MaxLegalPlays
//     captures and builds, LegalActions cuts each card's captures, and its
//     builds, to an equal share of MaxLegalPlays (a card with fewer keeps
//     all of its own), each keeping its plays of fewest sets, and lists
//     every trail. Apply still accepts every legal play, whatever the
//     table.
package cassino
