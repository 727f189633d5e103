// Package cassino plays the standard English fishing game Cassino for 2, 3
// or 4 players (two partnerships by default at 4).
//
// The package is pure: no I/O, no goroutines, no clocks and no global
// random source. A match is a fold of its Setup (options and seed) and the
// events that happened: Decide validates an action and computes its events
// without touching the match, Evolve folds events in, and Apply does both.
// The shuffle of every hand is drawn from the seed, so deals are events
// whose content the state fully determines, and replaying the logged events
// of a match always rebuilds the live state exactly.
//
// Hidden information stays hidden: View and Event.For give a seat only what
// it may see (its own hand, the table, counts of the others' hands), never
// another hand or the order of the deck.
package cassino
