package cassino

// Event types.
const (
	EventHandStarted = "handStarted" // a new hand: dealer and hand number; the deck is shuffled from the seed
	EventDealt       = "dealt"       // cards dealt to every hand (and the table on a hand's first deal)
	EventCaptured    = "captured"    // a capture
	EventSwept       = "swept"       // the capture just made left the table empty
	EventBuilt       = "built"       // a build made, increased or added to
	EventTrailed     = "trailed"     // a card placed on the table
	EventLastCards   = "lastCards"   // the cards left at the end of a hand go to the last capturer
	EventHandScored  = "handScored"  // the tally and points of a hand
	EventMatchWon    = "matchWon"    // the match is over
)

// Event is something that happened. Events carry full information; For
// gives the copy a seat may see. Fields a type does not use are empty.
type Event struct {
	Type string `json:"type"`
	// Seat is who acted (captured, built, trailed, swept) or received
	// (lastCards).
	Seat   int `json:"seat"`
	Hand   int `json:"hand,omitempty"`   // handStarted, handScored
	Dealer int `json:"dealer,omitempty"` // handStarted
	Deal   int `json:"deal,omitempty"`   // dealt: 1 for the first deal of a hand
	// Last marks the last deal of a hand.
	Last bool `json:"last,omitempty"`
	// Hands are the cards dealt to each seat; redacted to the seat's own.
	Hands [][]Card `json:"hands,omitempty"`
	// Counts are how many cards each seat was dealt (never redacted).
	Counts []int `json:"counts,omitempty"`
	// Table are the cards dealt face up.
	Table []Card `json:"table,omitempty"`
	// Card is the card played.
	Card Card `json:"card,omitempty"`
	// Sets: captured, the loose cards taken in their sets; built, the sets
	// of the resulting build.
	Sets [][]Card `json:"sets,omitempty"`
	// Cards: built, the loose cards joined; lastCards, the cards taken.
	Cards []Card `json:"cards,omitempty"`
	// Builds are the ids of the builds captured or joined.
	Builds []string `json:"builds,omitempty"`
	// Build is the id of the build that results from a build action.
	Build string `json:"build,omitempty"`
	Value int    `json:"value,omitempty"`
	// Tally is the hand's count per seat (handScored).
	Tally []Tally `json:"tally,omitempty"`
	// Points are the points scored this hand, Scores the match totals after
	// it; per seat, partners showing their side's figure.
	Points  []int `json:"points,omitempty"`
	Scores  []int `json:"scores,omitempty"`
	Winners []int `json:"winners,omitempty"` // matchWon: the winning seats
}

// Tally is what a seat's capture pile held at the end of a hand.
type Tally struct {
	Cards        int  `json:"cards"`
	Spades       int  `json:"spades"`
	Aces         int  `json:"aces"`
	BigCasino    bool `json:"bigCasino,omitempty"`
	LittleCasino bool `json:"littleCasino,omitempty"`
	Sweeps       int  `json:"sweeps"`
}

// For returns the copy of e that seat may see: dealt cards of other seats
// are removed (their counts stay). No event ever carries the deck order.
func (e Event) For(seat int) Event {
	if e.Type != EventDealt || e.Hands == nil {
		return e
	}
	r := e
	r.Hands = make([][]Card, len(e.Hands))
	if seat >= 0 && seat < len(e.Hands) && len(e.Hands[seat]) > 0 {
		r.Hands[seat] = append([]Card(nil), e.Hands[seat]...)
	}
	return r
}
