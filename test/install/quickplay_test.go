package install

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/internal/freeport"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// startMatchmaker runs the matchmaker with the flags and ServiceAccount the
// chart gives it, and returns its local URL for the router.
func (in *installation) startMatchmaker(t *testing.T) string {
	g := NewWithT(t)
	deploy := in.release.deployment(t, "matchmaker")
	in.matchmakerSA = tokenFor(t, releaseNS, deploy.Spec.Template.Spec.ServiceAccountName)
	g.Expect(in.matchmakerSA.name).NotTo(BeElementOf(in.operatorSA.name, in.routerSA.name), "the matchmaker shares a ServiceAccount")
	c, args := in.release.container(t, "matchmaker")
	listen, err := freeport.Addr()
	g.Expect(err).NotTo(HaveOccurred())
	in.matchmaker = startRole(t, "matchmaker", append([]string{"matchmaker"}, override(args, map[string]string{
		"listen-address": listen,
		"redis-addrs":    in.redis.Addr,
	})...), in.matchmakerSA, containerEnv(t, releaseNS, c))
	in.matchmaker.waitReady(t, "http://"+listen+"/readyz")
	return "http://" + listen
}

// matchmakerCanOnlyClaim: the matchmaker claims and creates rooms in the
// room namespaces and reads pools there; nothing else.
func (in *installation) matchmakerCanOnlyClaim(t *testing.T) {
	g := NewWithT(t)
	sa := in.matchmakerSA
	for _, ns := range roomNamespaces {
		for _, verb := range []string{"get", "list", "watch", "update", "create"} {
			a := access{verb: verb, group: gamesv1.GroupVersion.Group, resource: "gamerooms", namespace: ns}
			g.Expect(sa.allowed(t, a)).To(BeTrue(), "the matchmaker may not %s", a)
		}
	}
	var granted []string
	for _, ns := range namespacesToCheck() {
		for _, a := range []access{
			{verb: "get", resource: "secrets", namespace: ns},
			{verb: "list", resource: "secrets", namespace: ns},
			{verb: "create", resource: "pods", namespace: ns},
			{verb: "delete", resource: "pods", namespace: ns},
			{verb: "delete", group: gamesv1.GroupVersion.Group, resource: "gamerooms", namespace: ns},
			{verb: "patch", group: gamesv1.GroupVersion.Group, resource: "gamerooms", subresource: "status", namespace: ns},
			{verb: "update", group: gamesv1.GroupVersion.Group, resource: "gameroompools", namespace: ns},
			{verb: "delete", group: gamesv1.GroupVersion.Group, resource: "gameroompools", namespace: ns},
		} {
			if sa.allowed(t, a) {
				granted = append(granted, a.String())
			}
		}
		if ns == strangerNS || ns == "kube-system" || ns == "" {
			for _, verb := range []string{"list", "update", "create"} {
				a := access{verb: verb, group: gamesv1.GroupVersion.Group, resource: "gamerooms", namespace: ns}
				if sa.allowed(t, a) {
					granted = append(granted, a.String())
				}
			}
		}
	}
	g.Expect(granted).To(BeEmpty(), "the matchmaker may do more than claim and create rooms")
}

// quickPlay fills a warm pool with the operator's RBAC, then seats two
// quick players through the router in the one room the matchmaker claims
// with its RBAC; the pool refills. The pool and its rooms are removed
// after, so the steps that follow see only their own rooms.
func (in *installation) quickPlay(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	p := gameroomtest.MakeGameRoomPool("quick", releaseNS, 1).Room(gameroomtest.MakeGameRoom("", "").Players(2)).Obj()
	g.Expect(env.c.Create(ctx, p)).To(Succeed())
	t.Cleanup(func() { _ = env.c.Delete(context.Background(), p) })
	g.Eventually(func(g Gomega) {
		got := &gamesv1.GameRoomPool{}
		g.Expect(env.c.Get(ctx, client.ObjectKeyFromObject(p), got)).To(Succeed())
		g.Expect(got.Status.Ready).To(BeEquivalentTo(1))
	}, 2*time.Minute, 200*time.Millisecond).Should(Succeed(), "the pool never had a ready room")

	var wg sync.WaitGroup
	answers := make([]playAnswer, 2)
	for i := range answers {
		wg.Go(func() { answers[i] = in.play(t, fmt.Sprintf("quick-%d", i)) })
	}
	wg.Wait()
	g.Expect(answers[0].Name).NotTo(BeEmpty())
	g.Expect(answers[1].Name).To(Equal(answers[0].Name), "two quick players of 2-seat rooms sit in different rooms")
	g.Expect([]int{answers[0].Seat, answers[1].Seat}).To(ConsistOf(0, 1))

	// The claim is taken in Redis; its label follows the answer
	// (docs/MATCHMAKER.md), written with the matchmaker's own RBAC.
	key := types.NamespacedName{Namespace: answers[0].Namespace, Name: answers[0].Name}
	claimed := &gamesv1.GameRoom{}
	g.Eventually(func(g Gomega) {
		g.Expect(env.c.Get(ctx, key, claimed)).To(Succeed())
		g.Expect(pool.IsClaimed(claimed)).To(BeTrue(), "the room seated from the pool carries no claim")
	}, 30*time.Second, 100*time.Millisecond).Should(Succeed())
	g.Eventually(func(g Gomega) {
		rooms := &gamesv1.GameRoomList{}
		g.Expect(env.c.List(ctx, rooms, client.InNamespace(releaseNS), client.MatchingLabels{pool.LabelPool: "quick"})).To(Succeed())
		warm := 0
		for i := range rooms.Items {
			if !pool.IsClaimed(&rooms.Items[i]) {
				warm++
			}
		}
		g.Expect(warm).To(Equal(1))
	}, time.Minute, 200*time.Millisecond).Should(Succeed(), "the pool did not refill after the claim")

	g.Expect(env.c.Delete(ctx, p)).To(Succeed())
	g.Expect(env.c.Delete(ctx, claimed)).To(Succeed())
	g.Eventually(func(g Gomega) {
		rooms := &gamesv1.GameRoomList{}
		g.Expect(env.c.List(ctx, rooms, client.InNamespace(releaseNS), client.MatchingLabels{pool.LabelPool: "quick"})).To(Succeed())
		g.Expect(rooms.Items).To(BeEmpty())
		err := env.c.Get(ctx, client.ObjectKeyFromObject(p), &gamesv1.GameRoomPool{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue())
	}, time.Minute, 200*time.Millisecond).Should(Succeed(), "the pool and its rooms were not removed")
}

// playAnswer is the part of a quick play's answer this test reads
// (docs/PROTOCOL.md, POST /v1/play).
type playAnswer struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Seat      int    `json:"seat"`
	Token     string `json:"token"`
}

func (in *installation) play(t *testing.T, name string) playAnswer {
	body, _ := json.Marshal(map[string]any{"game": "cassino", "players": 2, "name": name, "request_id": "install-" + name})
	resp, err := http.Post(in.routerURL+"/v1/play", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Errorf("quick play %s: %v", name, err)
		return playAnswer{}
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	var a playAnswer
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw.Bytes(), &a) != nil || a.Token == "" {
		t.Errorf("quick play %s: %d %s", name, resp.StatusCode, raw.String())
	}
	return a
}
