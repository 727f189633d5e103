package quickplay

import (
	"testing"
	"time"

	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/internal/playerclient"
)

// A player who presses Play now, sits down and leaves before anyone
// else comes (closes the tab, or takes a bot instead) must not have the
// next player of that table seated against nobody: past the grace, that
// room takes no newcomer, and quick play seats them elsewhere.
func TestQuickPlayNeverSeatsANewcomerAgainstAPlayerWhoLeft(t *testing.T) {
	const target = 83
	ann := playAll(t, []map[string]any{playBody(target, "Ann", "away-ann-"+t.Name()[:6])})[0]
	page := playerclient.Seated(t, playerclient.Options{Base: plat.URL()}, ann.Joined)
	page.Connect()
	page.Close()
	time.Sleep(room.DefaultAwayGrace + 2*time.Second)

	bob := playAll(t, []map[string]any{playBody(target, "Bob", "away-bob-"+t.Name()[:6])})[0]
	if bob.Namespace == ann.Namespace && bob.Name == ann.Name {
		t.Fatalf("Bob was seated at %s/%s, against Ann, who left before the start", bob.Namespace, bob.Name)
	}
	// Bob's table fills as usual.
	cy := playAll(t, []map[string]any{playBody(target, "Cy", "away-cy-"+t.Name()[:6]+"x")})[0]
	if cy.Namespace != bob.Namespace || cy.Name != bob.Name {
		t.Fatalf("Cy at %s/%s, Bob waiting at %s/%s", cy.Namespace, cy.Name, bob.Namespace, bob.Name)
	}
}
