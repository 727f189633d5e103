package podrunner

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// readiness runs a container's readiness probe against the pod's address.
type readiness struct {
	check            func(ctx context.Context) bool
	timeout          time.Duration
	period           time.Duration
	initialDelay     time.Duration
	successThreshold int32
	failureThreshold int32
}

// newReadiness builds the probe of c, or returns nil when the container is
// ready as soon as it starts: no probe, or one (exec, gRPC) the runner does
// not run.
func newReadiness(c *corev1.Container, ip string) (*readiness, error) {
	p := c.ReadinessProbe
	if p == nil {
		return nil, nil
	}
	r := &readiness{
		timeout:          seconds(p.TimeoutSeconds, 1),
		period:           seconds(p.PeriodSeconds, 10),
		initialDelay:     seconds(p.InitialDelaySeconds, 0),
		successThreshold: max(p.SuccessThreshold, 1),
		failureThreshold: max(p.FailureThreshold, 3),
	}
	switch {
	case p.HTTPGet != nil:
		u, headers, err := probeURL(c, p.HTTPGet, ip)
		if err != nil {
			return nil, err
		}
		r.check = httpCheck(u, headers, r.timeout)
	case p.TCPSocket != nil:
		port, err := containerPort(c, p.TCPSocket.Port)
		if err != nil {
			return nil, err
		}
		host := p.TCPSocket.Host
		if host == "" {
			host = ip
		}
		r.check = tcpCheck(net.JoinHostPort(host, strconv.Itoa(int(port))), r.timeout)
	default:
		return nil, nil
	}
	return r, nil
}

func seconds(v, def int32) time.Duration {
	if v <= 0 {
		v = def
	}
	return time.Duration(v) * time.Second
}

func probeURL(c *corev1.Container, g *corev1.HTTPGetAction, ip string) (string, http.Header, error) {
	port, err := containerPort(c, g.Port)
	if err != nil {
		return "", nil, err
	}
	host := g.Host
	if host == "" {
		host = ip
	}
	scheme := "http"
	if g.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(int(port)))}
	ref, err := url.Parse(g.Path)
	if err != nil {
		return "", nil, configErrorf("readiness probe path %q: %v", g.Path, err)
	}
	headers := http.Header{}
	for _, h := range g.HTTPHeaders {
		headers.Add(h.Name, h.Value)
	}
	return u.ResolveReference(ref).String(), headers, nil
}

// containerPort resolves a probe port given by number or by name.
func containerPort(c *corev1.Container, port intstr.IntOrString) (int32, error) {
	if port.Type == intstr.Int {
		return port.IntVal, nil
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort, nil
		}
	}
	return 0, configErrorf("probe port %q names no port of container %q", port.StrVal, c.Name)
}

func httpCheck(u string, headers http.Header, timeout time.Duration) func(context.Context) bool {
	client := &http.Client{
		Timeout: timeout,
		// Like the kubelet: HTTPS probes do not verify the certificate.
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return false
		}
		req.Header = headers.Clone()
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode >= 200 && resp.StatusCode < 400
	}
}

func tcpCheck(addr string, timeout time.Duration) func(context.Context) bool {
	return func(ctx context.Context) bool {
		d := net.Dialer{Timeout: timeout}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return false
		}
		_ = conn.Close()
		return true
	}
}

// run probes until ctx ends and calls set on every change of readiness,
// honouring the probe's thresholds. Until the first success it probes at
// least every second, so a local pod turns Ready without waiting a full
// period.
func (r *readiness) run(ctx context.Context, set func(ready bool)) {
	if !sleep(ctx, r.initialDelay) {
		return
	}
	ready, everReady := false, false
	var successes, failures int32
	for {
		if r.check(ctx) {
			successes, failures = successes+1, 0
		} else {
			successes, failures = 0, failures+1
		}
		switch {
		case !ready && successes >= r.successThreshold:
			ready, everReady = true, true
			set(true)
		case ready && failures >= r.failureThreshold:
			ready = false
			set(false)
		}
		wait := r.period
		if !everReady {
			wait = min(wait, time.Second)
		}
		if !sleep(ctx, wait) {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
