package roomcontract

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameRunes is the longest player name, in characters.
const MaxNameRunes = 32

// CheckName is the rule for a player's name, which every player at the
// table sees: the game pod's join and quick play both apply it, so a name
// quick play takes is one the pod takes too. Surrounding white space
// (Unicode's) is trimmed; what is left must be 1 to 32 printable
// characters.
func CheckName(n string) (string, error) {
	n = strings.TrimSpace(n)
	if !utf8.ValidString(n) {
		return "", errors.New("name must be UTF-8 text")
	}
	if n == "" || utf8.RuneCountInString(n) > MaxNameRunes {
		return "", errors.New("name must be 1 to 32 characters")
	}
	for _, r := range n {
		if !unicode.IsPrint(r) {
			return "", errors.New("name may not contain control or invisible characters")
		}
		// What encoding/json makes of a lone surrogate escape ("\ud800"):
		// a broken character, not one the player chose.
		if r == utf8.RuneError {
			return "", errors.New("name may not contain U+FFFD, the replacement character")
		}
	}
	return n, nil
}
