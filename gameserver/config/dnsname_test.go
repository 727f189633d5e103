package config

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// isDNSName accepts exactly what the Kubernetes name pattern does, on
// names made of the characters that matter at every length around the
// bounds.
func TestIsDNSNameIsTheKubernetesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)
	alphabet := []byte("az09-.A{}/_ é")
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"", "a", "-", ".", "a-", "-a", "a.b", "games", "cassino-solo", strings.Repeat("a", 253), strings.Repeat("a", 254), "é"}
	for range 20000 {
		n := rng.IntN(8)
		if rng.IntN(10) == 0 {
			n = 250 + rng.IntN(6)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
			if n > 8 && rng.IntN(4) != 0 {
				b[i] = 'a'
			}
		}
		names = append(names, string(b))
	}
	for _, s := range names {
		if got, want := isDNSName(s), pattern.MatchString(s); got != want {
			t.Fatalf("isDNSName(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
