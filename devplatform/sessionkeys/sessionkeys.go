// Package sessionkeys creates the Secret of session signing keys a local
// platform's game pods mount.
package sessionkeys

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DefaultSecretName is the operator's default --session-keys-secret.
const DefaultSecretName = "croupier-session-keys"

// KeySize is the length of a generated HMAC key in bytes.
const KeySize = 32

// KeyID names a key created at t. Ids sort by date, so a key added later
// signs while older ones still verify.
func KeyID(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Ensure creates the Secret ns/name holding one random key under KeyID(now),
// unless the Secret already exists, in which case it is left untouched. It
// reports whether it created the Secret.
func Ensure(ctx context.Context, c client.Client, ns, name string, now time.Time) (bool, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return false, fmt.Errorf("generate session key: %w", err)
	}
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app.kubernetes.io/part-of": "croupier"}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{KeyID(now): key},
	}
	err := c.Create(ctx, s)
	if apierrors.IsAlreadyExists(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create Secret %s/%s: %w", ns, name, err)
	}
	return true, nil
}
