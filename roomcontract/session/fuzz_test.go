package session

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// signFixed builds a token as Issue does but with a fixed nonce, so every
// fuzzing process knows the same set of genuine tokens.
func signFixed(k *Keyring, kid string, c Claims) string {
	payload, _ := json.Marshal(c)
	signed := tokenVersion + "." + kid + "." + b64.EncodeToString(payload)
	return signed + "." + b64.EncodeToString(k.mac(kid, signed))
}

// FuzzVerify feeds the verifier what any client may send: it must never
// panic, must refuse with a known reason, and must accept nothing but the
// exact genuine tokens (a forgery the fuzzer finds is one anyone could).
func FuzzVerify(f *testing.F) {
	k, err := NewKeyring(map[string][]byte{"2026-01": key('a'), "2026-02": key('b')})
	if err != nil {
		f.Fatal(err)
	}
	genuine := map[string]bool{}
	for seat := range 4 {
		for _, kid := range []string{"2026-01", "2026-02"} {
			tok := signFixed(k, kid, Claims{
				Room: "ns/r", PlayerID: "p", Seat: seat, IssuedAt: t0.Unix(),
				Expiry: t0.Add(time.Hour).Unix(), Nonce: fmt.Sprintf("%032x", seat),
			})
			genuine[tok] = true
			f.Add(tok)
		}
	}
	for _, kid := range []string{"2026-01", "2026-02"} {
		tok := signFixed(k, kid, Claims{
			Room: "ns/r", PlayerID: "w", Seat: SpectatorSeat, Role: RoleSpectator, IssuedAt: t0.Unix(),
			Expiry: t0.Add(time.Hour).Unix(), Nonce: "watcher",
		})
		genuine[tok] = true
		f.Add(tok)
	}
	for _, s := range []string{"", "v1", "v1...", "v1.2026-01.e30.", "v2.x.y.z"} {
		f.Add(s)
	}
	reasons := map[string]bool{ReasonMalformed: true, ReasonUnknownKey: true, ReasonBadSignature: true, ReasonWrongRoom: true, ReasonExpired: true}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := k.Verify(token, "ns/r", t0.Add(time.Minute))
		if err != nil {
			if !reasons[Reason(err)] {
				t.Fatalf("refusal %v has no known reason", err)
			}
			return
		}
		if !genuine[token] {
			t.Fatalf("accepted a token that was never signed: %q (claims %+v)", token, c)
		}
	})
}
