package main

import (
	"slices"
	"testing"
)

func TestTheArgumentsOfCroupierGameserverRunIt(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"gameserver"}, []string{}},
		{[]string{"gameserver", "-h"}, []string{"-h"}},
		{[]string{"-h"}, []string{"-h"}},
		{[]string{"-h", "gameserver"}, []string{"-h", "gameserver"}},
	} {
		if got := serverArgs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("serverArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
