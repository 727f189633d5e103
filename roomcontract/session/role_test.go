package session

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSpectatorTokenVerifies(t *testing.T) {
	k := mustKeyring(t, map[string][]byte{"2026-01": key('a')})
	tok, _, err := k.Issue(Claims{Room: "ns/r", PlayerID: "w1", Seat: SpectatorSeat, Role: RoleSpectator}, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.Verify(tok, "ns/r", t0)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !c.Spectator() || c.Seat != -1 {
		t.Fatalf("claims %+v: want a spectator without a seat", c)
	}
	player := issue(t, k, "ns/r")
	if c, err := k.Verify(player, "ns/r", t0); err != nil || c.Spectator() || c.Role != RolePlayer {
		t.Fatalf("player token: %+v, %v", c, err)
	}
	if strings.Contains(mustPayload(t, player), "role") {
		t.Fatal("a player token carries a role field: tokens issued before roles would not match it")
	}
}

func TestIssueRefusesIncoherentRoles(t *testing.T) {
	k := mustKeyring(t, map[string][]byte{"2026-01": key('a')})
	for _, c := range []Claims{
		{Room: "ns/r", PlayerID: "w", Seat: 0, Role: RoleSpectator},
		{Room: "ns/r", PlayerID: "p", Seat: -1},
		{Room: "ns/r", PlayerID: "p", Seat: 0, Role: "dealer"},
	} {
		if _, _, err := k.Issue(c, t0, time.Hour); err == nil {
			t.Errorf("issued %+v", c)
		}
	}
}

// The role is signed: rewriting it in a genuine token breaks the
// signature, whichever way it goes; a payload signed with a role that
// does not match its seat is refused as malformed.
func TestRoleCannotBeForged(t *testing.T) {
	k := mustKeyring(t, map[string][]byte{"2026-01": key('a')})
	player := issue(t, k, "ns/r")
	watcher, _, err := k.Issue(Claims{Room: "ns/r", PlayerID: "w1", Seat: SpectatorSeat, Role: RoleSpectator}, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	rewrite := func(tok string, edit func(map[string]any)) string {
		parts := strings.Split(tok, ".")
		var m map[string]any
		if err := json.Unmarshal([]byte(mustPayload(t, tok)), &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		raw, _ := json.Marshal(m)
		parts[2] = b64.EncodeToString(raw)
		return strings.Join(parts, ".")
	}
	forged := map[string]string{
		"watcher made player":      rewrite(watcher, func(m map[string]any) { delete(m, "role"); m["seat"] = 0 }),
		"watcher keeps role, seat": rewrite(watcher, func(m map[string]any) { m["seat"] = 1 }),
		"player made watcher":      rewrite(player, func(m map[string]any) { m["role"] = RoleSpectator; m["seat"] = -1 }),
	}
	for name, tok := range forged {
		if _, err := k.Verify(tok, "ns/r", t0); Reason(err) != ReasonBadSignature {
			t.Errorf("%s: got %v, want %s", name, err, ReasonBadSignature)
		}
	}
	for name, c := range map[string]Claims{
		"spectator with a seat": {Room: "ns/r", PlayerID: "w", Seat: 2, Role: RoleSpectator, IssuedAt: t0.Unix(), Expiry: t0.Unix() + 60, Nonce: "n"},
		"player without a seat": {Room: "ns/r", PlayerID: "p", Seat: -1, IssuedAt: t0.Unix(), Expiry: t0.Unix() + 60, Nonce: "n"},
		"unknown role":          {Room: "ns/r", PlayerID: "p", Seat: 0, Role: "admin", IssuedAt: t0.Unix(), Expiry: t0.Unix() + 60, Nonce: "n"},
	} {
		if _, err := k.Verify(signFixed(k, "2026-01", c), "ns/r", t0); Reason(err) != ReasonMalformed {
			t.Errorf("%s: got %v, want %s", name, err, ReasonMalformed)
		}
	}
}

func mustPayload(t *testing.T, tok string) string {
	t.Helper()
	raw, err := b64.DecodeString(strings.Split(tok, ".")[2])
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
