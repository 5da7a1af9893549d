package main

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
)

// The admin API (test hooks), basic auth with the simulator's credentials:
//
//	GET  /sim/admin/state                 read-only dump: VMs, hosts, migrations, pending faults
//	POST /sim/admin/reset                 rebuild the initial lab inventory (sessions are dropped)
//	POST /sim/admin/faults/migration      {"fault": "VMotionLinkDown", "at_progress": 50, "count": 1, "message": ""}
//	POST /sim/admin/faults/slow           {"extra_seconds": 60, "count": 1}   (modelled seconds)
//	POST /sim/admin/faults/panic          {"method": "RetrievePropertiesEx", "count": 1}: the handler panics
//	POST /sim/admin/sessions/expire       expire every current session now
//	POST /sim/admin/link                  {"wan_mbps": 45, "wan_rtt_ms": 100} (also lan_mbps, lan_rtt_ms)
//	GET  /sim/admin/wan-model?data_mbit=8589.9&mbps=45&rtt_ms=100   modelled seconds per path (calculator)
//	GET  /sim/admin/calls                 write calls received since reset/clear: [{"method","type","moid","time","fault"}]
//	POST /sim/admin/calls/clear           empty that log
//	POST /sim/admin/hosts/<name>/options/remove   {"key": "Migrate.BindToVmknics"}: the host lacks that option until reset
const adminPrefix = "/sim/admin/"

const maxFaultCount = 100

func (s *server) admin(rw http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.username)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.password)) != 1 {
		rw.Header().Set("WWW-Authenticate", `Basic realm="vcsim-ld admin"`)
		writeJSON(rw, http.StatusUnauthorized, map[string]string{"error": "authentication required"})
		return
	}
	route := r.Method + " " + r.URL.Path[len(adminPrefix):]
	if host, ok := hostOptionRoute(route); ok {
		s.removeHostOption(rw, r, host)
		return
	}
	switch route {
	case "GET state":
		writeJSON(rw, http.StatusOK, s.state())
	case "POST reset":
		if err := s.reset(); err != nil {
			writeJSON(rw, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(rw, http.StatusOK, map[string]bool{"reset": true})
	case "POST faults/migration":
		var spec struct {
			failSpec
			Count int `json:"count"`
		}
		spec.AtProgress, spec.Fault = 50, "MigrationFault"
		s.withBody(rw, r, &spec, func() error {
			if err := checkCount(spec.Count); err != nil {
				return err
			}
			return s.world().faults.addFailure(spec.failSpec, spec.Count)
		})
	case "POST faults/slow":
		var spec struct {
			slowSpec
			Count int `json:"count"`
		}
		s.withBody(rw, r, &spec, func() error {
			if err := checkCount(spec.Count); err != nil {
				return err
			}
			return s.world().faults.addSlow(spec.slowSpec, spec.Count)
		})
	case "POST faults/panic":
		var spec struct {
			Method string `json:"method"`
			Count  int    `json:"count"`
		}
		s.withBody(rw, r, &spec, func() error {
			if err := checkCount(spec.Count); err != nil {
				return err
			}
			return s.world().faults.addPanic(spec.Method, spec.Count)
		})
	case "POST sessions/expire":
		writeJSON(rw, http.StatusOK, map[string]int{"expired": s.sessions.expireAll()})
	case "POST link":
		s.setLinks(rw, r)
	case "GET wan-model":
		wanModel(rw, r)
	case "GET calls":
		writeJSON(rw, http.StatusOK, s.world().calls.snapshot())
	case "POST calls/clear":
		writeJSON(rw, http.StatusOK, map[string]int{"cleared": s.world().calls.clear()})
	default:
		writeJSON(rw, http.StatusNotFound, map[string]string{"error": "no admin route " + route})
	}
}

// hostOptionRoute extracts <name> from "POST hosts/<name>/options/remove".
func hostOptionRoute(route string) (string, bool) {
	const prefix, suffix = "POST hosts/", "/options/remove"
	if !strings.HasPrefix(route, prefix) || !strings.HasSuffix(route, suffix) || len(route) <= len(prefix)+len(suffix) {
		return "", false
	}
	return route[len(prefix) : len(route)-len(suffix)], true
}

// removeHostOption makes one host lack an advanced option (definition and value) until reset.
func (s *server) removeHostOption(rw http.ResponseWriter, r *http.Request, name string) {
	var body struct {
		Key string `json:"key"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Key == "" {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": `the body must be {"key": "<option key>"}`})
		return
	}
	hs := s.world().hostByName(name)
	if hs == nil {
		writeJSON(rw, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("no host %q in this vCenter", name)})
		return
	}
	var err error
	simulator.Map.WithLock(hs.opts, func() { err = hs.opts.remove(body.Key) })
	if err != nil {
		writeJSON(rw, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"host": name, "removed": body.Key})
}

// hostByName finds a lab host of this world by its name.
func (w *world) hostByName(name string) *hostState {
	for _, hs := range w.hosts {
		if hs.opts.hostName == name {
			return hs
		}
	}
	return nil
}

func checkCount(n int) error {
	if n < 1 || n > maxFaultCount {
		return fmt.Errorf("count must be 1..%d, got %d", maxFaultCount, n)
	}
	return nil
}

func (s *server) withBody(rw http.ResponseWriter, r *http.Request, into interface{}, apply func() error) {
	if err := json.NewDecoder(r.Body).Decode(into); err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid JSON body: " + err.Error()})
		return
	}
	if err := apply(); err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(rw, http.StatusOK, map[string]interface{}{"armed": into, "pending": s.world().faults.pending()})
}

func (s *server) setLinks(rw http.ResponseWriter, r *http.Request) {
	var body map[string]float64
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid JSON body: " + err.Error()})
		return
	}
	w := s.world()
	wan, lan := w.sched.links()
	fields := map[string]*float64{"wan_mbps": &wan.mbps, "wan_rtt_ms": &wan.rttMs, "lan_mbps": &lan.mbps, "lan_rtt_ms": &lan.rttMs}
	for k, v := range body {
		f, ok := fields[k]
		if !ok || v < 0 || (v == 0 && (k == "wan_mbps" || k == "lan_mbps")) {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid link setting %s=%v", k, v)})
			return
		}
		*f = v
	}
	w.sched.setLinks(wan, lan)
	writeJSON(rw, http.StatusOK, s.links(w))
}

// links reports the world's current links (reset restores the command line's).
func (s *server) links(w *world) map[string]float64 {
	wan, lan := w.sched.links()
	return map[string]float64{"wan_mbps": wan.mbps, "wan_rtt_ms": wan.rttMs, "lan_mbps": lan.mbps,
		"lan_rtt_ms": lan.rttMs, "time_scale": s.cfg.timeScale}
}

func (s *server) state() map[string]interface{} {
	w := s.world()
	var vms []map[string]interface{}
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*VM); ok {
			simulator.Map.WithLock(vm, func() { vms = append(vms, vm.describe()) })
		}
	}
	sort.Slice(vms, func(i, j int) bool { return vms[i]["name"].(string) < vms[j]["name"].(string) })
	var hosts []map[string]interface{}
	for moid, hs := range w.hosts {
		h := map[string]interface{}{"moid": moid, "name": hs.hn.name(), "site": hs.site}
		hs.hn.locked(func() {
			var vnics []map[string]interface{}
			for _, v := range hs.hn.info().Vnic {
				gw := ""
				if rs := v.Spec.IpRouteSpec; rs != nil && rs.IpRouteConfig != nil {
					gw = rs.IpRouteConfig.GetHostIpRouteConfig().DefaultGateway
				}
				ip := ""
				if v.Spec.Ip != nil {
					ip = v.Spec.Ip.IpAddress
				}
				vnics = append(vnics, map[string]interface{}{"device": v.Device, "portgroup": v.Portgroup, "ip": ip,
					"stack": v.Spec.NetStackInstanceKey, "gateway_override": gw})
			}
			h["vnics"] = vnics
			h["vmotion_vnics"] = hs.hn.effectiveSelection("vmotion")
			h["routed_via_gateway"] = vnicRouted(hs.hn.info(), hs.hn.vmotionVnic())
			stacks := map[string]string{}
			for _, st := range hs.hn.info().NetStackInstance {
				if st.IpRouteConfig != nil {
					stacks[st.Key] = st.IpRouteConfig.GetHostIpRouteConfig().DefaultGateway
				}
			}
			h["stack_gateways"] = stacks
			h["vm_count"] = len(hs.hn.host.Vm)
		})
		opts := map[string]interface{}{}
		simulator.Map.WithLock(hs.opts, func() {
			for _, o := range hs.opts.Setting {
				opts[o.GetOptionValue().Key] = o.GetOptionValue().Value
			}
		})
		h["options"] = opts
		hosts = append(hosts, h)
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i]["name"].(string) < hosts[j]["name"].(string) })
	return map[string]interface{}{
		"instance_uuid": s.cfg.uuid, "site": s.cfg.site, "links": s.links(w), "vms": vms, "hosts": hosts,
		"migrations": w.sched.snapshot(), "pending_faults": w.faults.pending(),
	}
}

// wanModel answers the WAN model for one transfer without running a migration.
func wanModel(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var vals [3]float64
	for i, k := range []string{"data_mbit", "mbps", "rtt_ms"} {
		v, err := strconv.ParseFloat(q.Get(k), 64)
		if err != nil || v < 0 || (v == 0 && k != "rtt_ms") {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("query parameter %s must be a positive number", k)})
			return
		}
		vals[i] = v
	}
	l := link{mbps: vals[1], rttMs: vals[2]}
	writeJSON(rw, http.StatusOK, map[string]float64{
		"isession":      isessionPath.seconds(vals[0], l),
		"unaccelerated": plainPath.seconds(vals[0], l),
	})
}

func writeJSON(rw http.ResponseWriter, code int, v interface{}) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_ = json.NewEncoder(rw).Encode(v)
}
