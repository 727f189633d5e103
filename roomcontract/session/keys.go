package session

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// MinKeyBytes is the shortest HMAC key accepted: SHA-256's block of
// entropy, so a key cannot be guessed faster than the MAC itself.
const MinKeyBytes = 32

// Key ids travel inside the token, between dots, so they may not contain one.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Keyring holds every key that verifies; the greatest key id signs, so
// adding a key with a later id rotates signing without invalidating tokens
// signed by the older keys.
type Keyring struct {
	keys    map[string][]byte
	signing string
}

// NewKeyring builds a keyring from key id -> key.
func NewKeyring(keys map[string][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("no session signing keys")
	}
	ids := make([]string, 0, len(keys))
	k := &Keyring{keys: make(map[string][]byte, len(keys))}
	for id, key := range keys {
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("session key id %q: want 1-64 characters of A-Z a-z 0-9 _ -", id)
		}
		if len(key) < MinKeyBytes {
			return nil, fmt.Errorf("session key %q is %d bytes, want at least %d", id, len(key), MinKeyBytes)
		}
		k.keys[id] = append([]byte(nil), key...)
		ids = append(ids, id)
	}
	sort.Strings(ids)
	k.signing = ids[len(ids)-1]
	return k, nil
}

// ReadKeyDir loads a keyring from a mounted Secret: each regular file is a
// key, named by its key id. Entries starting with a dot are the kubelet's
// atomic-update bookkeeping (..data, ..2026_...) and are skipped.
func ReadKeyDir(dir string) (*Keyring, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read session keys: %w", err)
	}
	keys := map[string][]byte{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		// Stat follows the kubelet's symlinks to the real file.
		info, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("read session key %q: %w", e.Name(), err)
		}
		if info.IsDir() {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read session key %q: %w", e.Name(), err)
		}
		keys[e.Name()] = b
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no session keys in %s", dir)
	}
	return NewKeyring(keys)
}

// SigningKeyID names the key new tokens are signed with.
func (k *Keyring) SigningKeyID() string { return k.signing }
