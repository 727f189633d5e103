// Package session issues and verifies the session tokens a player gets when
// joining a seat, and the spectators' tokens. A token is HMAC-SHA256-signed
// over every field (room, player, seat, role, issue and expiry times, nonce
// and key id), so neither the
// game pod nor the router has to trust anything the client says.
package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Claims are the signed fields of a token.
type Claims struct {
	Room     string `json:"room"` // "<namespace>/<name>"
	PlayerID string `json:"pid"`
	Seat     int    `json:"seat"`
	IssuedAt int64  `json:"iat"` // Unix seconds
	Expiry   int64  `json:"exp"` // Unix seconds
	Nonce    string `json:"nonce"`
	// Role is RolePlayer ("", the seat's holder) or RoleSpectator (a
	// watcher without a seat, Seat -1). It is signed like every field, so
	// a watcher cannot make itself a player, nor a player a watcher.
	Role string `json:"role,omitempty"`
}

// Roles a token may carry.
const (
	RolePlayer    = ""
	RoleSpectator = "spectator"
)

// SpectatorSeat is the seat of every spectator token: no seat.
const SpectatorSeat = -1

// Spectator reports whether the token is a watcher's.
func (c Claims) Spectator() bool { return c.Role == RoleSpectator }

// Reasons a token is refused; each is distinct so a client (and an
// operator reading metrics) can tell a stale page from an attack.
const (
	ReasonMalformed    = "malformed"
	ReasonUnknownKey   = "unknown_key"
	ReasonBadSignature = "bad_signature"
	ReasonWrongRoom    = "wrong_room"
	ReasonExpired      = "expired"
)

// RefusedError is why a token was not accepted.
type RefusedError struct {
	Reason string
	Detail string
}

func (e *RefusedError) Error() string { return "session token refused: " + e.Reason + ": " + e.Detail }

func refuse(reason, format string, args ...any) error {
	return &RefusedError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// Reason returns the refusal reason of err, or "" when err is not a refusal.
func Reason(err error) string {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

const tokenVersion = "v1"

// Strict: a token has one spelling, so no variant of a valid token verifies.
var b64 = base64.RawURLEncoding.Strict()

// Issue signs a token for the claims with the newest key. IssuedAt, Expiry
// and Nonce are filled in here: ttl from now, 128 random bits.
func (k *Keyring) Issue(c Claims, now time.Time, ttl time.Duration) (string, Claims, error) {
	if err := c.checkRole(); err != nil {
		return "", Claims{}, fmt.Errorf("session claims: %w", err)
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", Claims{}, fmt.Errorf("session nonce: %w", err)
	}
	c.Nonce = hex.EncodeToString(nonce)
	c.IssuedAt = now.Unix()
	c.Expiry = now.Add(ttl).Unix()
	payload, err := json.Marshal(c)
	if err != nil {
		return "", Claims{}, fmt.Errorf("encode session claims: %w", err)
	}
	signed := tokenVersion + "." + k.signing + "." + b64.EncodeToString(payload)
	return signed + "." + b64.EncodeToString(k.mac(k.signing, signed)), c, nil
}

func (k *Keyring) mac(kid, signed string) []byte {
	h := hmac.New(sha256.New, k.keys[kid])
	h.Write([]byte(signed))
	return h.Sum(nil)
}

// Verify checks a token for room at time now and returns its claims.
// Every refusal is a *RefusedError.
func (k *Keyring) Verify(token, room string, now time.Time) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != tokenVersion || !tokenAlphabet(token) {
		return Claims{}, refuse(ReasonMalformed, "not a %s token", tokenVersion)
	}
	kid := parts[1]
	if _, ok := k.keys[kid]; !ok {
		return Claims{}, refuse(ReasonUnknownKey, "no key %q", kid)
	}
	sig, err := b64.DecodeString(parts[3])
	if err != nil {
		return Claims{}, refuse(ReasonMalformed, "signature is not base64url")
	}
	signed := token[:len(token)-len(parts[3])-1]
	if !hmac.Equal(sig, k.mac(kid, signed)) {
		return Claims{}, refuse(ReasonBadSignature, "signature does not match")
	}
	c, err := decodeClaims(parts[2])
	if err != nil {
		return Claims{}, err
	}
	if c.Room != room {
		return Claims{}, refuse(ReasonWrongRoom, "token is for room %q", c.Room)
	}
	if now.Unix() >= c.Expiry {
		return Claims{}, refuse(ReasonExpired, "expired at %s", time.Unix(c.Expiry, 0).UTC().Format(time.RFC3339))
	}
	return c, nil
}

// tokenAlphabet reports whether s holds only base64url characters and
// dots. The base64 decoder skips CR and LF, so without this a token with a
// line break in its signature would verify: a second spelling of a token.
func tokenAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func decodeClaims(s string) (Claims, error) {
	raw, err := b64.DecodeString(s)
	if err != nil {
		return Claims{}, refuse(ReasonMalformed, "payload is not base64url")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var c Claims
	if err := dec.Decode(&c); err != nil {
		return Claims{}, refuse(ReasonMalformed, "payload: %v", err)
	}
	if c.PlayerID == "" || c.Nonce == "" || c.Expiry <= c.IssuedAt {
		return Claims{}, refuse(ReasonMalformed, "payload misses a field")
	}
	if err := c.checkRole(); err != nil {
		return Claims{}, refuse(ReasonMalformed, "%v", err)
	}
	return c, nil
}

// checkRole: a player holds a seat, a spectator holds none.
func (c Claims) checkRole() error {
	switch {
	case c.Role == RolePlayer && c.Seat < 0:
		return errors.New("a player token needs a seat")
	case c.Role == RoleSpectator && c.Seat != SpectatorSeat:
		return errors.New("a spectator token holds no seat")
	case c.Role != RolePlayer && c.Role != RoleSpectator:
		return fmt.Errorf("unknown role %q", c.Role)
	}
	return nil
}
