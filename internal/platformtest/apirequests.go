package platformtest

import (
	"bufio"
	"context"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/client-go/kubernetes"
)

var (
	requestLine = regexp.MustCompile(`^apiserver_request_total\{(.*)\} ([0-9.e+]+)$`)
	labelPair   = regexp.MustCompile(`([a-z_]+)="([^"]*)"`)
)

// APIRequests counts the platform's API server requests since it started
// (see RequestCounts).
func (p *Platform) APIRequests(ctx context.Context) (map[string]float64, error) {
	cs, err := kubernetes.NewForConfig(p.Config)
	if err != nil {
		return nil, err
	}
	return RequestCounts(ctx, cs)
}

// RequestCounts counts an API server's requests since it started, from
// its own /metrics, by resource, subresource, verb and answer
// ("gamerooms/status PUT 200"): every client's, so take the difference
// over a window to tell what a workload cost.
func RequestCounts(ctx context.Context, cs kubernetes.Interface) (map[string]float64, error) {
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := requestLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, err
		}
		l := map[string]string{}
		for _, kv := range labelPair.FindAllStringSubmatch(m[1], -1) {
			l[kv[1]] = kv[2]
		}
		key := l["resource"]
		if l["subresource"] != "" {
			key += "/" + l["subresource"]
		}
		out[key+" "+l["verb"]+" "+l["code"]] += n
	}
	return out, sc.Err()
}
