package install

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/croupier-dev/croupier/internal/childproc"
)

// logsTo gives each component a log file of its own under dir.
func logsTo(dir string) func(string) io.Writer {
	var mu sync.Mutex
	return func(name string) io.Writer {
		mu.Lock()
		defer mu.Unlock()
		_ = os.MkdirAll(dir, 0o700)
		f, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return io.Discard
		}
		return f // open for the life of the test binary
	}
}

var logs = sync.OnceValue(func() func(string) io.Writer { return logsTo(filepath.Join(env.dir, "logs")) })

// serviceAccount is one of the chart's ServiceAccounts, as its pods would
// be: a bound token from the TokenRequest API, a kubeconfig carrying it,
// and a client with nothing else.
type serviceAccount struct {
	namespace, name string
	kubeconfig      string
	config          *rest.Config
	cs              kubernetes.Interface
}

func (sa serviceAccount) user() string {
	return "system:serviceaccount:" + sa.namespace + ":" + sa.name
}

// tokenFor asks the API server for a token of the ServiceAccount, as the
// kubelet does for a pod's projected token, and writes a kubeconfig that
// uses it.
func tokenFor(t testing.TB, namespace, name string) serviceAccount {
	t.Helper()
	tr, err := env.cs.CoreV1().ServiceAccounts(namespace).CreateToken(context.Background(), name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)}},
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for ServiceAccount %s/%s: %v", namespace, name, err)
	}
	sa := serviceAccount{namespace: namespace, name: name}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["local"] = &clientcmdapi.Cluster{Server: env.admin.Host, CertificateAuthorityData: env.admin.CAData}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: "local", AuthInfo: name, Namespace: namespace}
	kc.CurrentContext = name
	sa.kubeconfig = filepath.Join(env.dir, namespace+"-"+name+".kubeconfig")
	if err := clientcmd.WriteToFile(*kc, sa.kubeconfig); err != nil {
		t.Fatal(err)
	}
	if sa.config, err = clientcmd.BuildConfigFromFlags("", sa.kubeconfig); err != nil {
		t.Fatal(err)
	}
	// The test asks hundreds of questions as this account; client-go's
	// default 5 per second would make that the slowest part of the test.
	sa.config.QPS, sa.config.Burst = 500, 1000
	if sa.cs, err = kubernetes.NewForConfig(sa.config); err != nil {
		t.Fatal(err)
	}
	return sa
}

// containerEnv resolves a container's environment as the kubelet would
// for the sources the chart uses: literal values and Secret keys.
func containerEnv(t testing.TB, namespace string, c corev1.Container) []string {
	t.Helper()
	var out []string
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out = append(out, e.Name+"="+e.Value)
		case e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			s := &corev1.Secret{}
			if err := env.c.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: ref.Name}, s); err != nil {
				t.Fatalf("container %s env %s: Secret %s: %v", c.Name, e.Name, ref.Name, err)
			}
			v, ok := s.Data[ref.Key]
			if !ok {
				t.Fatalf("container %s env %s: Secret %s has no key %q", c.Name, e.Name, ref.Name, ref.Key)
			}
			out = append(out, e.Name+"="+string(v))
		default:
			t.Fatalf("container %s env %s: a source this test does not resolve", c.Name, e.Name)
		}
	}
	return out
}

// role is a running `croupier <role>` process.
type role struct {
	name string
	proc *childproc.Process
	log  string
}

// startRole runs the croupier binary as a role with args, as the
// ServiceAccount sa, with extra environment. The process sees no other
// credentials: KUBECONFIG names the ServiceAccount's kubeconfig, HOME an
// empty directory.
func startRole(t testing.TB, name string, args []string, sa serviceAccount, extraEnv []string) *role {
	t.Helper()
	home := filepath.Join(env.dir, "home-"+name)
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	procEnv := append([]string{"KUBECONFIG=" + sa.kubeconfig, "HOME=" + home, "PATH=" + os.Getenv("PATH")}, extraEnv...)
	r := &role{name: name, log: filepath.Join(env.dir, "logs", name+".log")}
	var err error
	r.proc, err = childproc.Start(childproc.Spec{
		Name: "croupier " + name,
		Argv: append([]string{env.binary}, args...),
		Env:  procEnv,
		Out:  logs()(name),
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitReady polls url until it answers 200, failing early if the process
// exits.
func (r *role) waitReady(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-r.proc.Done():
			t.Fatalf("%s exited before it was ready: %v\n%s", r.name, r.proc.ExitError(), r.tail())
		default:
		}
		if resp, err := hc.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready at %s within a minute\n%s", r.name, url, r.tail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the process as its Deployment's pod would be ended: SIGTERM,
// then SIGKILL after the grace.
func (r *role) stop() { r.proc.Stop(10 * time.Second) }

// tail is the end of the process's log, for a failure message.
func (r *role) tail() string {
	b, _ := os.ReadFile(r.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return fmt.Sprintf("--- last lines of %s ---\n%s", r.log, strings.Join(lines, "\n"))
}
