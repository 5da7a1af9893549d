package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
)

// world is one complete simulated vCenter: the simulator model, the lab inventory built in it
// and the extension's own state. Reset replaces the world behind the same listener.
type world struct {
	cfg    *config
	model  *simulator.Model
	client *vim25.Client // in-process client (no network)
	dirs   []string
	hosts  map[string]*hostState // by host moid
	sched  *scheduler
	faults *faultBox
	calls  *callLog // write calls received over HTTP (not the extension's in-process calls)
	ctx    context.Context
	cancel context.CancelFunc
	sdk    http.Handler
}

func newWorld(cfg *config, hostPort string) (*world, error) {
	model := simulator.VPX()
	model.Datacenter, model.Cluster, model.ClusterHost, model.Host = 0, 0, 0, 0
	model.Machine, model.Datastore, model.Portgroup, model.Pool = 0, 0, 0, 0
	model.ServiceContent.About.InstanceUuid = cfg.uuid
	if err := model.Create(); err != nil {
		return nil, fmt.Errorf("creating the simulator model: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &world{cfg: cfg, model: model, hosts: map[string]*hostState{}, ctx: ctx, cancel: cancel}
	w.sched = newScheduler(w)
	w.faults = &faultBox{}
	w.calls = &callLog{}
	client, err := vim25.NewClient(ctx, model.Service)
	if err != nil {
		return nil, err
	}
	w.client = client
	sites, _ := sitesFor(cfg.site)
	b := &builder{ctx: ctx, client: client, w: w}
	for _, s := range sites {
		if err := b.site(s); err != nil {
			w.destroy()
			return nil, fmt.Errorf("building site %s: %v", s.key, err)
		}
	}
	w.sdk = w.sdkHandler(hostPort)
	wrapPropertyCollector()
	w.wrapVMs()
	return w, nil
}

// sdkHandler registers the simulator's endpoints on a throw-away plain-HTTP server and keeps
// only its handler: our own TLS listener serves it, so a reset can swap worlds in place.
func (w *world) sdkHandler(hostPort string) http.Handler {
	svc := w.model.Service
	svc.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(w.cfg.username, w.cfg.password)}
	tmp := svc.NewServer()
	handler := tmp.Config.Handler
	tmp.Close()
	simulator.Map.SessionManager().ServiceHostName = hostPort
	return handler
}

// destroy stops the world's migrations and removes its datastore directories.
func (w *world) destroy() {
	w.cancel()
	w.sched.stop()
	w.model.Remove()
	for _, d := range w.dirs {
		_ = os.RemoveAll(d)
	}
}

// wrapVMs replaces every plain simulator VirtualMachine (created by CreateVM, clones,
// cross-vCenter arrivals) with the extension's VM, embedded by value.
func (w *world) wrapVMs() {
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() {
				simulator.Map.Put(&VM{VirtualMachine: *vm, w: w})
			})
		}
	}
}

// server is the listener, the admin API and the session-expiry filter in front of the world.
type server struct {
	cfg      *config
	listener net.Listener
	http     *http.Server
	port     int
	mu       sync.Mutex
	w        *world
	sessions *sessionTracker
}

func newServer(cfg *config, cert tls.Certificate) (*server, error) {
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %v", cfg.listen, err)
	}
	s := &server{cfg: cfg, port: ln.Addr().(*net.TCPAddr).Port, sessions: newSessionTracker()}
	w, err := newWorld(cfg, ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.w = w
	s.listener = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	s.http = &http.Server{Handler: s, ErrorLog: log.New(io.Discard, "", 0)}
	go func() {
		if err := s.http.Serve(s.listener); err != nil && err != http.ErrServerClosed {
			log.Printf("vcsim-ld: serve: %v", err)
		}
	}()
	return s, nil
}

func (s *server) sdkURL() string {
	host := s.listener.Addr().(*net.TCPAddr).IP.String()
	return "https://" + net.JoinHostPort(host, strconv.Itoa(s.port)) + "/sdk"
}

func (s *server) world() *world {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w
}

// reset replaces the world with a freshly built lab inventory and restores the link settings.
func (s *server) reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w.destroy()
	w, err := newWorld(s.cfg, s.listener.Addr().String())
	if err != nil {
		return err
	}
	s.w = w
	s.sessions.reset()
	return nil
}

func (s *server) close() {
	_ = s.http.Close()
	s.world().destroy()
}

var soapMethod = regexp.MustCompile(`<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)`)

// unauthenticatedMethods may be called without a session (as vCenter allows).
var unauthenticatedMethods = map[string]bool{"RetrieveServiceContent": true, "Login": true, "LoginByToken": true,
	"LoginExtensionByCertificate": true, "CloneSession": true}

func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if len(r.URL.Path) >= len(adminPrefix) && r.URL.Path[:len(adminPrefix)] == adminPrefix {
		s.admin(rw, r)
		return
	}
	w := s.world()
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		method := ""
		if m := soapMethod.FindSubmatch(body); m != nil {
			method = string(m[1])
		}
		if isWrite(method) {
			rec := &statusRecorder{ResponseWriter: rw}
			done := w.calls.start(method, body)
			defer func() { done(rec.code()) }()
			rw = rec
		}
		if cookie, err := r.Cookie(soap.SessionCookieName); err == nil && s.sessions.expired(cookie.Value) {
			r.Header.Del("Cookie")
			if !unauthenticatedMethods[method] {
				writeNotAuthenticated(rw)
				return
			}
		}
		w.wrapVMs()
		rw = s.sessions.watch(rw)
		guardPanics(rw, method, func(rw http.ResponseWriter) {
			if w.faults.takePanic(method) {
				panic(fmt.Sprintf("injected handler panic in %s", method))
			}
			w.sdk.ServeHTTP(rw, r)
		})
		return
	}
	w.sdk.ServeHTTP(rw, r)
}

const notAuthenticatedXML = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
	`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The session is not authenticated.</faultstring>` +
	`<detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="SessionManager">SessionManager</object>` +
	`<privilegeId>System.View</privilegeId></NotAuthenticatedFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`

func writeNotAuthenticated(rw http.ResponseWriter) {
	rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
	rw.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(rw, notAuthenticatedXML)
}

// sessionTracker remembers session cookies handed out by Login so the admin API can expire them.
type sessionTracker struct {
	mu   sync.Mutex
	live map[string]bool
	dead map[string]bool
}

func newSessionTracker() *sessionTracker {
	return &sessionTracker{live: map[string]bool{}, dead: map[string]bool{}}
}

func (t *sessionTracker) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.live, t.dead = map[string]bool{}, map[string]bool{}
}

func (t *sessionTracker) expired(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dead[key]
}

// expireAll expires every session known now; the next call of each gets NotAuthenticated.
func (t *sessionTracker) expireAll() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for k := range t.live {
		t.dead[k] = true
		delete(t.live, k)
		n++
	}
	return n
}

func (t *sessionTracker) add(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.live[key] = true
}

func (t *sessionTracker) watch(rw http.ResponseWriter) http.ResponseWriter {
	return &cookieWatcher{ResponseWriter: rw, t: t}
}

type cookieWatcher struct {
	http.ResponseWriter
	t    *sessionTracker
	seen bool
}

func (c *cookieWatcher) WriteHeader(code int) {
	c.capture()
	c.ResponseWriter.WriteHeader(code)
}

func (c *cookieWatcher) Write(b []byte) (int, error) {
	c.capture()
	return c.ResponseWriter.Write(b)
}

func (c *cookieWatcher) capture() {
	if c.seen {
		return
	}
	c.seen = true
	resp := http.Response{Header: c.Header()}
	for _, ck := range resp.Cookies() {
		if ck.Name == soap.SessionCookieName {
			c.t.add(ck.Value)
		}
	}
}
