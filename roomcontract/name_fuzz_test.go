package roomcontract

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCheckName: every player sees the names others chose, so an accepted
// name is trimmed UTF-8 text of 1 to 32 printable characters, whatever
// was sent.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"ann", "  bob  ", "", "\x00", "a\u200bb", "\xff", strings.Repeat("é", 33), "漢字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		name, err := CheckName(in)
		if err != nil {
			return
		}
		if !utf8.ValidString(name) || name != strings.TrimSpace(name) {
			t.Fatalf("accepted %q as %q", in, name)
		}
		if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameRunes {
			t.Fatalf("accepted a name of %d characters", n)
		}
		for _, r := range name {
			if !unicode.IsPrint(r) || r == utf8.RuneError {
				t.Fatalf("accepted %q with the invisible %U", name, r)
			}
		}
	})
}
