package session

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, MinKeyBytes) }

func mustKeyring(t *testing.T, keys map[string][]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t *testing.T, k *Keyring, room string) string {
	t.Helper()
	tok, _, err := k.Issue(Claims{Room: room, PlayerID: "p1", Seat: 1}, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerifyAcceptsItsOwnToken(t *testing.T) {
	k := mustKeyring(t, map[string][]byte{"2026-01": key('a')})
	tok, issued, err := k.Issue(Claims{Room: "ns/r", PlayerID: "p1", Seat: 1}, t0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.Verify(tok, "ns/r", t0.Add(59*time.Minute))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if c != issued || c.Seat != 1 || c.PlayerID != "p1" || c.Expiry != t0.Add(time.Hour).Unix() {
		t.Fatalf("claims %+v, issued %+v", c, issued)
	}
}

func TestRotationKeepsOldTokensValid(t *testing.T) {
	old := mustKeyring(t, map[string][]byte{"2026-01": key('a')})
	tok := issue(t, old, "ns/r")
	rotated := mustKeyring(t, map[string][]byte{"2026-01": key('a'), "2026-02": key('b')})
	if rotated.SigningKeyID() != "2026-02" {
		t.Fatalf("signing key %q, want the greatest id", rotated.SigningKeyID())
	}
	if _, err := rotated.Verify(tok, "ns/r", t0); err != nil {
		t.Fatalf("token of the old key after rotation: %v", err)
	}
	fresh := issue(t, rotated, "ns/r")
	if !strings.HasPrefix(fresh, "v1.2026-02.") {
		t.Fatalf("new token %q not signed by the newest key", fresh)
	}
	if _, err := old.Verify(fresh, "ns/r", t0); Reason(err) != ReasonUnknownKey {
		t.Fatalf("old keyring on a new-key token: %v, want unknown_key", err)
	}
}

func TestVerifyRefusals(t *testing.T) {
	k := mustKeyring(t, map[string][]byte{"k1": key('a'), "k2": key('b')})
	good := issue(t, k, "ns/r")
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[2])
	tampered := strings.Replace(string(payload), `"seat":1`, `"seat":0`, 1)
	if tampered == string(payload) {
		t.Fatal("test did not tamper with the seat")
	}
	otherKey := mustKeyring(t, map[string][]byte{"k2": key('c')})
	tests := []struct {
		name, token, room string
		at                time.Time
		want              string
	}{
		{"empty", "", "ns/r", t0, ReasonMalformed},
		{"garbage", "hello", "ns/r", t0, ReasonMalformed},
		{"wrong version", "v2" + good[2:], "ns/r", t0, ReasonMalformed},
		{"signature not base64", strings.Join([]string{parts[0], parts[1], parts[2], "!!"}, "."), "ns/r", t0, ReasonMalformed},
		{"unknown key id", strings.Join([]string{parts[0], "k9", parts[2], parts[3]}, "."), "ns/r", t0, ReasonUnknownKey},
		{"seat changed", strings.Join([]string{parts[0], parts[1], base64.RawURLEncoding.EncodeToString([]byte(tampered)), parts[3]}, "."), "ns/r", t0, ReasonBadSignature},
		{"key id swapped", strings.Join([]string{parts[0], "k1", parts[2], parts[3]}, "."), "ns/r", t0, ReasonBadSignature},
		{"signed by a foreign key", issue(t, otherKey, "ns/r"), "ns/r", t0, ReasonBadSignature},
		{"other room", good, "ns/other", t0, ReasonWrongRoom},
		{"expired", good, "ns/r", t0.Add(time.Hour), ReasonExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.Verify(tt.token, tt.room, tt.at)
			if got := Reason(err); got != tt.want {
				t.Fatalf("reason %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	tests := []struct {
		name string
		keys map[string][]byte
	}{
		{"none", map[string][]byte{}},
		{"short key", map[string][]byte{"k1": []byte("short")}},
		{"dot in id", map[string][]byte{"k.1": key('a')}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewKeyring(tt.keys); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestReadKeyDirLikeAMountedSecret(t *testing.T) {
	dir := t.TempDir()
	// The kubelet's layout: the real files live in a timestamped directory,
	// ..data points at it, and the visible names are symlinks through ..data.
	data := filepath.Join(dir, "..2026_11_26_12_00_00.000000001")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	for id, b := range map[string][]byte{"2026-01": key('a'), "2026-02": key('b')} {
		if err := os.WriteFile(filepath.Join(data, id), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..data", id), filepath.Join(dir, id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Base(data), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	k, err := ReadKeyDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.SigningKeyID() != "2026-02" || len(k.keys) != 2 {
		t.Fatalf("signing %q, %d keys", k.SigningKeyID(), len(k.keys))
	}
	if _, err := ReadKeyDir(t.TempDir()); err == nil {
		t.Fatal("empty directory accepted")
	}
}

// docs/INSTALL.md names a rotated key by date and time of day
// (`date -u +%F-%H%M%S`): it signs after the chart's first key, named by
// the date alone, even on the day of the install, and after an earlier
// rotation that day; the next day's key signs after both.
func TestARotatedKeyOfTheInstallDaySignsNext(t *testing.T) {
	for _, tt := range []struct {
		ids  []string
		want string
	}{
		{[]string{"2026-12-02", "2026-12-02-013000"}, "2026-12-02-013000"},
		{[]string{"2026-12-02", "2026-12-02-013000", "2026-12-02-140000"}, "2026-12-02-140000"},
		{[]string{"2026-12-02-235959", "2026-12-03"}, "2026-12-03"},
	} {
		keys := map[string][]byte{}
		for i, id := range tt.ids {
			keys[id] = key(byte('a' + i))
		}
		if got := mustKeyring(t, keys).SigningKeyID(); got != tt.want {
			t.Errorf("keys %v sign with %q, want %q", tt.ids, got, tt.want)
		}
	}
}
