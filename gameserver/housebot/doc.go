// Package housebot plays a room's house bots inside its game pod, so one
// person can play alone. A bot takes one of the room's last seats, waits
// its think time when its turn comes, decides on its own seat's view (the
// redacted view a person there would get, never the other hands or the
// deck), and plays through the room like a person: the same dedup'd log,
// the same broadcast. Its action id is a function of its seat and the log
// sequence it answers, so a pod that replaces another mid-turn logs the
// bot's move at most once.
package housebot
