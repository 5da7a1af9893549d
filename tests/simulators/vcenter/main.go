// Command vcsim-ld is the lab vCenter simulator of longdistance.vmotion.
//
// It extends govmomi's vcsim (0.24.2) with the lab inventory of docs/lab.md, VMkernel NIC and
// TCP/IP stack management, a per-host strictly typed OptionManager, an asynchronous
// RelocateVM_Task driven by a WAN model, cross-vCenter relocation and an admin API for tests.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// config holds the command line of one simulator process.
type config struct {
	listen    string
	certFile  string
	keyFile   string
	caFile    string
	site      string
	uuid      string
	username  string
	password  string
	timeScale float64
	wan       link
	lan       link
	// targetTimeout bounds each group of calls to a cross-vCenter target (connect and look up;
	// create and power on after the transfer), never the modelled transfer itself.
	targetTimeout  time.Duration
	exitWithParent bool
}

func parseFlags() (*config, error) {
	c := &config{}
	flag.StringVar(&c.listen, "listen", "127.0.0.1:0", "listen address (loopback only)")
	flag.StringVar(&c.certFile, "cert", "", "server certificate (PEM)")
	flag.StringVar(&c.keyFile, "key", "", "server private key (PEM)")
	flag.StringVar(&c.caFile, "ca", "", "CA bundle trusted for cross-vCenter targets when no sslThumbprint is given")
	flag.StringVar(&c.site, "site", "primary", "inventory to build: primary, secondary or both")
	flag.StringVar(&c.uuid, "uuid", "", "about.instanceUuid of this vCenter")
	flag.StringVar(&c.username, "username", "", "login user name")
	flag.StringVar(&c.password, "password", "", "login password")
	flag.Float64Var(&c.timeScale, "time-scale", 1, "divides every modelled duration")
	flag.Float64Var(&c.wan.mbps, "wan-mbps", 1000, "inter-site link bandwidth in Mbit/s")
	flag.Float64Var(&c.wan.rttMs, "wan-rtt-ms", 20, "inter-site round trip time in ms")
	flag.Float64Var(&c.lan.mbps, "lan-mbps", 10000, "intra-site vMotion network bandwidth in Mbit/s")
	flag.Float64Var(&c.lan.rttMs, "lan-rtt-ms", 0.5, "intra-site round trip time in ms")
	flag.DurationVar(&c.targetTimeout, "target-timeout", 30*time.Second,
		"bound on each group of calls to a cross-vCenter target (before and after the modelled transfer)")
	flag.BoolVar(&c.exitWithParent, "exit-with-parent", false,
		"exit when the parent process dies (test harnesses; not for detached launchers)")
	flag.Parse()
	if c.password == "" {
		// The harnesses pass the password here: a command line is visible to everyone in ps.
		c.password = os.Getenv("VCSIM_PASSWORD")
	}

	switch {
	case c.certFile == "" || c.keyFile == "":
		return nil, fmt.Errorf("-cert and -key are required")
	case c.username == "" || c.password == "":
		return nil, fmt.Errorf("-username and a password (VCSIM_PASSWORD or -password) are required")
	case c.uuid == "":
		return nil, fmt.Errorf("-uuid is required")
	case c.timeScale <= 0:
		return nil, fmt.Errorf("-time-scale must be > 0, got %v", c.timeScale)
	case c.wan.mbps <= 0 || c.lan.mbps <= 0 || c.wan.rttMs < 0 || c.lan.rttMs < 0:
		return nil, fmt.Errorf("link bandwidths must be > 0 and round trip times >= 0")
	case c.targetTimeout <= 0:
		return nil, fmt.Errorf("-target-timeout must be > 0, got %v", c.targetTimeout)
	}
	if _, err := sitesFor(c.site); err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(c.listen)
	if err != nil {
		return nil, fmt.Errorf("-listen %q: %v", c.listen, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-listen %q: only loopback addresses are allowed", c.listen)
	}
	return c, nil
}

// readyLine is printed once on stdout when the listener accepts connections.
type readyLine struct {
	Ready        bool   `json:"ready"`
	URL          string `json:"url"`
	Port         int    `json:"port"`
	InstanceUUID string `json:"instance_uuid"`
}

// watchParent reports once the process that started us is gone (we were re-parented).
func watchParent(parent int, stop chan<- string) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for range ticker.C {
		if os.Getppid() != parent {
			stop <- fmt.Sprintf("parent process %d exited", parent)
			return
		}
	}
}

func main() {
	parent := os.Getppid()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	cfg, err := parseFlags()
	if err != nil {
		log.Fatalf("vcsim-ld: %v", err)
	}
	cert, err := tls.LoadX509KeyPair(cfg.certFile, cfg.keyFile)
	if err != nil {
		log.Fatalf("vcsim-ld: loading -cert/-key: %v", err)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	stop := make(chan string, 2)
	go func() { stop <- fmt.Sprintf("%v received", <-signals) }()
	if cfg.exitWithParent {
		go watchParent(parent, stop)
	}
	s, err := newServer(cfg, cert)
	if err != nil {
		log.Fatalf("vcsim-ld: %v", err)
	}

	ready, _ := json.Marshal(readyLine{Ready: true, URL: s.sdkURL(), Port: s.port, InstanceUUID: cfg.uuid})
	fmt.Println(string(ready))

	log.Printf("vcsim-ld: %s, shutting down", <-stop)
	s.close()
}
