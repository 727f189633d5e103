package charts

import (
	"fmt"
	"slices"
	"testing"
)

// Preparing a namespace for rooms gives the matchmaker a Role and
// RoleBinding there and adds it to the router's and the matchmaker's
// --namespaces (docs/INSTALL.md); a namespace without rooms gets neither.
func TestChartPreparesRoomNamespacesForTheMatchmaker(t *testing.T) {
	objs := render(t, "gameservers.namespaces={tables,lobby}")
	for _, ns := range []string{"tables", "lobby"} {
		checkBinding(t, inNamespace(objs, "RoleBinding", ns, "croupier-matchmaker"), ns, "Role", "croupier-matchmaker", "croupier-matchmaker")
		if inNamespace(objs, "Role", ns, "croupier-matchmaker") == nil {
			t.Errorf("no matchmaker Role in %s", ns)
		}
	}
	for _, kind := range []string{"Role", "RoleBinding"} {
		if inNamespace(objs, kind, "games", "croupier-matchmaker") != nil {
			t.Errorf("the matchmaker gets a %s in games, which holds no rooms", kind)
		}
	}
	for _, name := range []string{"croupier-router", "croupier-matchmaker"} {
		args := deployment(t, objs, name).Spec.Template.Spec.Containers[0].Args
		if !slices.Contains(args, "--namespaces=tables,lobby") {
			t.Errorf("%s args %v lack --namespaces=tables,lobby", name, args)
		}
	}
}

// With an external Redis the matchmaker connects as the operator does:
// the same mode, addresses and TLS, and the password from the Secret the
// platform team names (docs/INSTALL.md, External Redis).
func TestChartExternalRedisReachesTheMatchmaker(t *testing.T) {
	objs := render(t, "redis.bundled=false", "redis.mode=sentinel", "redis.addrs=s1:26379\\,s2:26379",
		"redis.masterName=main", "redis.passwordSecret=redis-auth", "redis.tls=true")
	mm := deployment(t, objs, "croupier-matchmaker").Spec.Template.Spec.Containers[0]
	for _, want := range []string{"--redis-mode=sentinel", "--redis-addrs=s1:26379,s2:26379", "--redis-master-name=main", "--redis-tls"} {
		if !slices.Contains(mm.Args, want) {
			t.Errorf("matchmaker args %v lack %s", mm.Args, want)
		}
	}
	checkPasswordEnv(t, mm, "redis-auth")
}

// The matchmaker and the operator read the Redis password alike: both
// from the same Secret, both required to find it, or neither when an
// external Redis has no password (no redis.passwordSecret).
func TestChartMatchmakerAndOperatorReadTheRedisPasswordAlike(t *testing.T) {
	for name, set := range map[string][]string{
		"bundled":                     nil,
		"external with a password":    {"redis.bundled=false", "redis.addrs=r:6379", "redis.passwordSecret=redis-auth"},
		"external without a password": {"redis.bundled=false", "redis.addrs=r:6379"},
	} {
		t.Run(name, func(t *testing.T) {
			objs := render(t, set...)
			var refs []string
			for _, d := range []string{"croupier-operator", "croupier-matchmaker"} {
				ref := "none"
				for _, e := range deployment(t, objs, d).Spec.Template.Spec.Containers[0].Env {
					if e.Name == "CROUPIER_REDIS_PASSWORD" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						r := e.ValueFrom.SecretKeyRef
						ref = fmt.Sprintf("%s/%s optional=%v", r.Name, r.Key, r.Optional != nil && *r.Optional)
					}
				}
				refs = append(refs, ref)
			}
			if refs[0] != refs[1] {
				t.Errorf("operator reads the password from %s, matchmaker from %s", refs[0], refs[1])
			}
		})
	}
}
