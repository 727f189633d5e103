package devplatform

import (
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

func (p *platform) client() (client.Client, error) {
	return client.New(p.config(), client.Options{Scheme: scheme()})
}

// scheme knows the core kinds and Croupier's.
func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = gamesv1.AddToScheme(s)
	return s
}
