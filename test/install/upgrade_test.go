package install

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func (in *installation) upgrade(t *testing.T) {
	g := NewWithT(t)
	before := map[string]map[string][]byte{}
	var watched []types.NamespacedName
	for _, ns := range roomNamespaces {
		for _, name := range []string{in.sessionKeysSecret(t), redisSecret} {
			s := types.NamespacedName{Namespace: ns, Name: name}
			watched = append(watched, s)
			before[s.String()] = secretData(t, ns, name)
		}
	}
	_, oldArgs := in.release.container(t, "operator")
	g.Expect(oldArgs).To(ContainElement("--zap-log-level=info"))

	values := localValues()
	values["operator"].(map[string]any)["logLevel"] = "debug"
	upgraded := writeValues(t, "values-upgrade.yaml", values)
	helm(t, "upgrade", releaseName, chartDir(), "--namespace", releaseNS, "--values", upgraded)
	in.values = upgraded
	rel := getRelease(t, releaseName, releaseNS)
	_, newArgs := rel.container(t, "operator")
	g.Expect(newArgs).To(Equal(override(oldArgs, map[string]string{"zap-log-level": "debug"})),
		"the upgrade changed more of the operator's flags than its log level")
	live := &appsv1.Deployment{}
	opDeploy := rel.deployment(t, "operator")
	g.Expect(env.c.Get(context.Background(), client.ObjectKeyFromObject(opDeploy), live)).To(Succeed())
	g.Expect(live.Spec.Template.Spec.Containers[0].Args).To(Equal(opDeploy.Spec.Template.Spec.Containers[0].Args),
		"the operator's Deployment in the cluster is not the upgraded one")
	for _, s := range watched {
		g.Expect(secretData(t, s.Namespace, s.Name)).To(Equal(before[s.String()]), "Secret %s changed on upgrade", s)
	}

	// The Deployment's new pod: the old operator stops, the new one runs
	// with the upgraded flags. The router's Deployment did not change.
	_, oldRouter := in.release.container(t, "router")
	_, newRouter := rel.container(t, "router")
	g.Expect(newRouter).To(Equal(oldRouter))
	in.release = rel
	in.operator.stop()
	in.operator = in.startOperator(t, rel, "operator-upgraded")

	// The room keeps its pod, and its players their connections.
	g.Expect(in.players.Play(t, 4, nil)).To(BeFalse())
	g.Expect(in.roomPod(t).UID).To(Equal(in.podUID), "the room's pod was replaced")
}
