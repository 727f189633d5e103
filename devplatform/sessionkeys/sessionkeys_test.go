package sessionkeys

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func TestEnsure(t *testing.T) {
	day := time.Date(2026, 11, 26, 23, 30, 0, 0, time.FixedZone("east", 3*3600))
	key := client.ObjectKey{Namespace: "default", Name: DefaultSecretName}

	t.Run("creates one random key under a sortable id", func(t *testing.T) {
		g := NewWithT(t)
		c := fake.NewClientBuilder().Build()
		created, err := Ensure(context.Background(), c, key.Namespace, key.Name, day)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(created).To(BeTrue())
		s := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), key, s)).To(Succeed())
		g.Expect(s.Data).To(HaveLen(1))
		g.Expect(s.Data).To(HaveKeyWithValue("2026-11-26", HaveLen(KeySize)))
		g.Expect(s.Data["2026-11-26"]).NotTo(Equal(make([]byte, KeySize)))
	})

	t.Run("leaves an existing Secret alone", func(t *testing.T) {
		g := NewWithT(t)
		existing := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name},
			Data:       map[string][]byte{"2025-01-01": []byte("an operator-provided key of 32 b")},
		}
		c := fake.NewClientBuilder().WithObjects(existing).Build()
		created, err := Ensure(context.Background(), c, key.Namespace, key.Name, day)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(created).To(BeFalse())
		s := &corev1.Secret{}
		g.Expect(c.Get(context.Background(), key, s)).To(Succeed())
		g.Expect(s.Data).To(Equal(existing.Data))
	})

	t.Run("two keys never repeat", func(t *testing.T) {
		g := NewWithT(t)
		a, b := fake.NewClientBuilder().Build(), fake.NewClientBuilder().Build()
		_, _ = Ensure(context.Background(), a, "default", "k", day)
		_, _ = Ensure(context.Background(), b, "default", "k", day)
		sa, sb := &corev1.Secret{}, &corev1.Secret{}
		g.Expect(a.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "k"}, sa)).To(Succeed())
		g.Expect(b.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "k"}, sb)).To(Succeed())
		g.Expect(sa.Data["2026-11-26"]).NotTo(Equal(sb.Data["2026-11-26"]))
	})
}
