package config

import (
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/room"
	"github.com/croupier-dev/croupier/roomcontract"
)

func TestLoadReadsTheSpectators(t *testing.T) {
	e := env(t)
	c, err := load(e)
	if err != nil || c.Spectators != (room.Spectators{}) {
		t.Fatalf("no %s: spectators %+v, %v", roomcontract.EnvSpectators, c.Spectators, err)
	}
	for value, want := range map[string]room.Spectators{
		`{"allowed":true,"max":3,"delay":5}`: {Allowed: true, Max: 3, Delay: 5},
		`{"allowed":true}`:                   {Allowed: true, Max: 10},
	} {
		e[roomcontract.EnvSpectators] = value
		c, err = load(e)
		if err != nil || c.Spectators != want {
			t.Fatalf("%s: spectators %+v, %v; want %+v", value, c.Spectators, err, want)
		}
	}
}

func TestBadSpectatorsAreRefused(t *testing.T) {
	for _, v := range []string{"yes", `{"allowed":true,"max":0}`, `{"allowed":true,"max":1001}`,
		`{"allowed":true,"delay":-1}`, `{"allowed":true,"delay":1001}`, `{"allow":true}`} {
		e := env(t)
		e[roomcontract.EnvSpectators] = v
		if _, err := load(e); err == nil || !strings.Contains(err.Error(), roomcontract.EnvSpectators) {
			t.Errorf("%s: %v, want a refusal naming %s", v, err, roomcontract.EnvSpectators)
		}
	}
}
