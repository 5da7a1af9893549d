package main

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	stackDefault      = "defaultTcpipStack"
	stackVmotion      = "vmotion"
	stackProvisioning = "vSphereProvisioning"
	vnicKeyPrefix     = "key-vim.host.VirtualNic-"
	portgroupKeyPfx   = "key-vim.host.PortGroup-"
)

// nicTypes are the VirtualNicManager service types an ESXi 7 host reports.
var nicTypes = []string{
	"faultToleranceLogging", "management", "vSphereBackupNFC", "vSphereProvisioning",
	"vSphereReplication", "vSphereReplicationNFC", "vmotion", "vsan",
}

// hostNet is the network state of one host: host.config.network (shared with
// networkSystem.networkInfo) plus the service selection of its VMkernel NICs.
type hostNet struct {
	host     *simulator.HostSystem
	selected map[string][]string // nicType -> devices selected by SelectVnicForNicType
	macSeq   int
}

func newHostNet(host *simulator.HostSystem) *hostNet {
	return &hostNet{host: host, selected: map[string][]string{}}
}

func (hn *hostNet) info() *types.HostNetworkInfo { return hn.host.Config.Network }

func (hn *hostNet) name() string { return hn.host.Name }

// locked runs f with the host object locked (host.config is read by the PropertyCollector).
func (hn *hostNet) locked(f func()) { simulator.Map.WithLock(hn.host, f) }

func (hn *hostNet) vnicIndex(device string) int {
	for i, v := range hn.info().Vnic {
		if v.Device == device {
			return i
		}
	}
	return -1
}

func (hn *hostNet) portgroup(name string) *types.HostPortGroup {
	for i := range hn.info().Portgroup {
		if hn.info().Portgroup[i].Spec.Name == name {
			return &hn.info().Portgroup[i]
		}
	}
	return nil
}

func (hn *hostNet) netStack(key string) *types.HostNetStackInstance {
	for i := range hn.info().NetStackInstance {
		if hn.info().NetStackInstance[i].Key == key {
			return &hn.info().NetStackInstance[i]
		}
	}
	return nil
}

func parseIPv4(s string) net.IP {
	ip := net.ParseIP(s)
	if ip == nil || ip.To4() == nil {
		return nil
	}
	return ip.To4()
}

// checkIPConfig validates a static IPv4 configuration.
func checkIPConfig(ip *types.HostIpConfig, what string) *simError {
	if ip == nil || ip.Dhcp {
		return nil
	}
	addr := parseIPv4(ip.IpAddress)
	mask := parseIPv4(ip.SubnetMask)
	if addr == nil {
		return invalidArgument("ip.ipAddress", "%s: invalid IPv4 address %q", what, ip.IpAddress)
	}
	if mask == nil {
		return invalidArgument("ip.subnetMask", "%s: invalid subnet mask %q", what, ip.SubnetMask)
	}
	if ones, bits := net.IPMask(mask).Size(); ones == 0 && bits == 0 {
		return invalidArgument("ip.subnetMask", "%s: invalid subnet mask %q", what, ip.SubnetMask)
	}
	return nil
}

// checkGateway validates a default gateway; when the interface has a static address the
// gateway must be inside its subnet, as ESXi requires.
func checkGateway(gw string, ip *types.HostIpConfig, what string) *simError {
	addr := parseIPv4(gw)
	if addr == nil || addr.IsUnspecified() {
		return invalidArgument("ipRouteConfig.defaultGateway", "%s: invalid default gateway %q", what, gw)
	}
	if ip == nil || ip.Dhcp || ip.IpAddress == "" {
		return nil
	}
	mask := net.IPMask(parseIPv4(ip.SubnetMask))
	if !parseIPv4(ip.IpAddress).Mask(mask).Equal(addr.Mask(mask)) {
		return invalidArgument("ipRouteConfig.defaultGateway",
			"%s: default gateway %s is not in the subnet of %s/%s", what, gw, ip.IpAddress, ip.SubnetMask)
	}
	return nil
}

func (hn *hostNet) nextDevice() string {
	used := map[string]bool{}
	for _, v := range hn.info().Vnic {
		used[v.Device] = true
	}
	for i := 0; ; i++ {
		if d := "vmk" + strconv.Itoa(i); !used[d] {
			return d
		}
	}
}

func (hn *hostNet) newMac() string {
	hn.macSeq++
	sum := 0
	for _, c := range hn.name() {
		sum = (sum*31 + int(c)) & 0xffff
	}
	return fmt.Sprintf("00:50:56:%02x:%02x:%02x", sum>>8, sum&0xff, hn.macSeq&0xff)
}

// addVnic implements AddVirtualNic.
func (hn *hostNet) addVnic(portgroup string, spec types.HostVirtualNicSpec) (string, *simError) {
	what := fmt.Sprintf("host %s: new VMkernel NIC on port group %q", hn.name(), portgroup)
	if hn.portgroup(portgroup) == nil {
		return "", notFound("%s: port group not found", what)
	}
	for _, v := range hn.info().Vnic {
		if v.Portgroup == portgroup {
			return "", newError(&types.AlreadyExists{Name: portgroup}, "%s: port group already has VMkernel NIC %s", what, v.Device)
		}
	}
	if spec.NetStackInstanceKey == "" {
		spec.NetStackInstanceKey = stackDefault
	}
	if hn.netStack(spec.NetStackInstanceKey) == nil {
		return "", invalidArgument("nic.netStackInstanceKey", "%s: unknown TCP/IP stack %q", what, spec.NetStackInstanceKey)
	}
	if spec.Ip == nil {
		return "", invalidArgument("nic.ip", "%s: an IP configuration is required", what)
	}
	if err := checkIPConfig(spec.Ip, what); err != nil {
		return "", err
	}
	if err := checkRouteSpec(spec.IpRouteSpec, spec.Ip, what); err != nil {
		return "", err
	}
	device := hn.nextDevice()
	spec.Portgroup = portgroup
	if spec.Mac == "" {
		spec.Mac = hn.newMac()
	}
	if spec.Mtu == 0 {
		spec.Mtu = 1500
	}
	spec.IpRouteSpec = normalizeRouteSpec(spec.IpRouteSpec)
	hn.info().Vnic = append(hn.info().Vnic, types.HostVirtualNic{
		Device: device, Key: vnicKeyPrefix + device, Portgroup: portgroup, Spec: spec,
	})
	hn.refresh()
	return device, nil
}

func checkRouteSpec(rs *types.HostVirtualNicIpRouteSpec, ip *types.HostIpConfig, what string) *simError {
	if rs == nil || rs.IpRouteConfig == nil {
		return nil
	}
	cfg := rs.IpRouteConfig.GetHostIpRouteConfig()
	if cfg.DefaultGateway == "" {
		return nil
	}
	return checkGateway(cfg.DefaultGateway, ip, what)
}

// normalizeRouteSpec returns nil (no override) for an empty ipRouteConfig.
func normalizeRouteSpec(rs *types.HostVirtualNicIpRouteSpec) *types.HostVirtualNicIpRouteSpec {
	if rs == nil || rs.IpRouteConfig == nil {
		return nil
	}
	cfg := rs.IpRouteConfig.GetHostIpRouteConfig()
	if cfg.DefaultGateway == "" && cfg.IpV6DefaultGateway == "" {
		return nil
	}
	return &types.HostVirtualNicIpRouteSpec{IpRouteConfig: &types.HostIpRouteConfig{
		DefaultGateway: cfg.DefaultGateway, IpV6DefaultGateway: cfg.IpV6DefaultGateway,
	}}
}

// updateVnic implements UpdateVirtualNic: a merge of the set fields of spec.
func (hn *hostNet) updateVnic(device string, spec types.HostVirtualNicSpec) *simError {
	what := fmt.Sprintf("host %s: VMkernel NIC %s", hn.name(), device)
	i := hn.vnicIndex(device)
	if i < 0 {
		return notFound("%s not found", what)
	}
	cur := &hn.info().Vnic[i]
	if spec.NetStackInstanceKey != "" && spec.NetStackInstanceKey != cur.Spec.NetStackInstanceKey {
		return invalidArgument("nic.netStackInstanceKey", "%s: the TCP/IP stack cannot be changed on an existing VMkernel adapter (%s -> %s)",
			what, cur.Spec.NetStackInstanceKey, spec.NetStackInstanceKey)
	}
	ip := cur.Spec.Ip
	if spec.Ip != nil {
		if err := checkIPConfig(spec.Ip, what); err != nil {
			return err
		}
		ip = spec.Ip
	}
	if spec.Portgroup != "" && spec.Portgroup != cur.Portgroup && hn.portgroup(spec.Portgroup) == nil {
		return notFound("%s: port group %q not found", what, spec.Portgroup)
	}
	if err := checkRouteSpec(spec.IpRouteSpec, ip, what); err != nil {
		return err
	}
	if spec.Mtu < 0 || spec.Mtu > 9000 {
		return invalidArgument("nic.mtu", "%s: MTU %d out of range 1280..9000", what, spec.Mtu)
	}
	cur.Spec.Ip = ip
	if spec.Portgroup != "" {
		cur.Portgroup, cur.Spec.Portgroup = spec.Portgroup, spec.Portgroup
	}
	if spec.Mtu != 0 {
		cur.Spec.Mtu = spec.Mtu
	}
	if spec.Mac != "" {
		cur.Spec.Mac = spec.Mac
	}
	if spec.TsoEnabled != nil {
		cur.Spec.TsoEnabled = spec.TsoEnabled
	}
	if spec.IpRouteSpec != nil {
		cur.Spec.IpRouteSpec = normalizeRouteSpec(spec.IpRouteSpec)
	}
	hn.refresh()
	return nil
}

// removeVnic implements RemoveVirtualNic.
func (hn *hostNet) removeVnic(device string) *simError {
	i := hn.vnicIndex(device)
	if i < 0 {
		return notFound("host %s: VMkernel NIC %s not found", hn.name(), device)
	}
	vnics := hn.info().Vnic
	hn.info().Vnic = append(vnics[:i:i], vnics[i+1:]...)
	for t, devs := range hn.selected {
		hn.selected[t] = without(devs, device)
	}
	hn.refresh()
	return nil
}

func without(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// setHostGateway implements UpdateIpRouteConfig: the default stack's gateway.
func (hn *hostNet) setHostGateway(cfg types.BaseHostIpRouteConfig) *simError {
	if cfg == nil {
		return invalidArgument("config", "host %s: an IP route configuration is required", hn.name())
	}
	c := *cfg.GetHostIpRouteConfig()
	if c.DefaultGateway != "" {
		if err := checkGateway(c.DefaultGateway, nil, "host "+hn.name()); err != nil {
			return err
		}
	}
	hn.info().IpRouteConfig = &types.HostIpRouteConfig{
		DefaultGateway: c.DefaultGateway, GatewayDevice: c.GatewayDevice,
		IpV6DefaultGateway: c.IpV6DefaultGateway, IpV6GatewayDevice: c.IpV6GatewayDevice,
	}
	if st := hn.netStack(stackDefault); st != nil {
		copied := *hn.info().IpRouteConfig.GetHostIpRouteConfig()
		st.IpRouteConfig = &copied
	}
	hn.refresh()
	return nil
}

// editNetStack applies one netStackSpec 'edit' of UpdateNetworkConfig.
func (hn *hostNet) editNetStack(spec types.HostNetworkConfigNetStackSpec) *simError {
	in := spec.NetStackInstance
	what := fmt.Sprintf("host %s: TCP/IP stack %q", hn.name(), in.Key)
	if spec.Operation != "" && spec.Operation != string(types.ConfigSpecOperationEdit) {
		return invalidArgument("netStackSpec.operation", "%s: operation %q is not supported, only edit", what, spec.Operation)
	}
	st := hn.netStack(in.Key)
	if st == nil {
		return notFound("%s not found", what)
	}
	if in.IpRouteConfig != nil {
		c := *in.IpRouteConfig.GetHostIpRouteConfig()
		if c.DefaultGateway != "" {
			if err := checkGateway(c.DefaultGateway, nil, what); err != nil {
				return err
			}
		}
		st.IpRouteConfig = &types.HostIpRouteConfig{DefaultGateway: c.DefaultGateway, IpV6DefaultGateway: c.IpV6DefaultGateway,
			GatewayDevice: c.GatewayDevice, IpV6GatewayDevice: c.IpV6GatewayDevice}
		if in.Key == stackDefault {
			copied := *st.IpRouteConfig.(*types.HostIpRouteConfig)
			hn.info().IpRouteConfig = &copied
		}
	}
	if in.DnsConfig != nil {
		st.DnsConfig = in.DnsConfig
	}
	if in.CongestionControlAlgorithm != "" {
		if in.CongestionControlAlgorithm != "newreno" && in.CongestionControlAlgorithm != "cubic" {
			return invalidArgument("congestionControlAlgorithm", "%s: unknown congestion control algorithm %q", what, in.CongestionControlAlgorithm)
		}
		st.CongestionControlAlgorithm = in.CongestionControlAlgorithm
	}
	if in.RequestedMaxNumberOfConnections != 0 {
		st.RequestedMaxNumberOfConnections = in.RequestedMaxNumberOfConnections
	}
	if in.IpRouteConfig != nil || in.DnsConfig != nil {
		hn.refresh()
	}
	return nil
}

// applyVnicConfig applies one vnic entry of UpdateNetworkConfig.
func (hn *hostNet) applyVnicConfig(c types.HostVirtualNicConfig) (string, *simError) {
	switch c.ChangeOperation {
	case string(types.HostConfigChangeOperationAdd):
		if c.Spec == nil {
			return "", invalidArgument("vnic.spec", "host %s: vnic add without a spec", hn.name())
		}
		return hn.addVnic(c.Portgroup, *c.Spec)
	case string(types.HostConfigChangeOperationEdit), "":
		if c.Spec == nil {
			return "", invalidArgument("vnic.spec", "host %s: vnic edit of %s without a spec", hn.name(), c.Device)
		}
		return "", hn.updateVnic(c.Device, *c.Spec)
	case string(types.HostConfigChangeOperationRemove):
		return "", hn.removeVnic(c.Device)
	}
	return "", invalidArgument("vnic.changeOperation", "host %s: unknown change operation %q", hn.name(), c.ChangeOperation)
}

// addPortGroup adds a standard port group to the host, sharing the datacenter's Network of that name.
func (hn *hostNet) addPortGroup(spec types.HostPortGroupSpec) *simError {
	what := fmt.Sprintf("host %s: port group %q", hn.name(), spec.Name)
	if spec.Name == "" {
		return invalidArgument("portgrp.name", "host %s: a port group name is required", hn.name())
	}
	if hn.portgroup(spec.Name) != nil {
		return newError(&types.AlreadyExists{Name: spec.Name}, "%s already exists", what)
	}
	var vswitch *types.HostVirtualSwitch
	for i := range hn.info().Vswitch {
		if hn.info().Vswitch[i].Name == spec.VswitchName {
			vswitch = &hn.info().Vswitch[i]
		}
	}
	if vswitch == nil {
		return notFound("%s: virtual switch %q not found", what, spec.VswitchName)
	}
	key := portgroupKeyPfx + spec.Name
	vswitch.Portgroup = append(vswitch.Portgroup, key)
	hn.info().Portgroup = append(hn.info().Portgroup, types.HostPortGroup{Key: key, Vswitch: vswitch.Key, Spec: spec})
	linkNetwork(hn.host, spec.Name)
	return nil
}

// removePortGroup removes a port group that no VMkernel NIC uses.
func (hn *hostNet) removePortGroup(name string) *simError {
	what := fmt.Sprintf("host %s: port group %q", hn.name(), name)
	pg := hn.portgroup(name)
	if pg == nil {
		return notFound("%s not found", what)
	}
	for _, v := range hn.info().Vnic {
		if v.Portgroup == name {
			return newError(&types.ResourceInUse{Name: name}, "%s is in use by VMkernel NIC %s", what, v.Device)
		}
	}
	for i := range hn.info().Vswitch {
		hn.info().Vswitch[i].Portgroup = without(hn.info().Vswitch[i].Portgroup, pg.Key)
	}
	var kept []types.HostPortGroup
	for _, p := range hn.info().Portgroup {
		if p.Spec.Name != name {
			kept = append(kept, p)
		}
	}
	hn.info().Portgroup = kept
	unlinkNetwork(hn.host, name)
	return nil
}

// linkNetwork makes the datacenter's standard Network called name visible on host,
// creating the Network once per datacenter as vCenter does (no DuplicateName per host).
// The caller holds the host lock.
func linkNetwork(host *simulator.HostSystem, name string) {
	dc := datacenterOf(host)
	folder := simulator.Map.Get(dc.NetworkFolder).(*simulator.Folder)
	var network *mo.Network
	if e := simulator.Map.FindByName(name, folder.ChildEntity); e != nil {
		network, _ = e.(*mo.Network)
	}
	if network == nil {
		network = &mo.Network{}
		network.Name = name
		simulator.Map.NewEntity(network)
		network.Summary = &types.NetworkSummary{Network: &network.Self, Name: name, Accessible: true}
		simulator.Map.WithLock(folder, func() {
			folder.ChildEntity = append(folder.ChildEntity, network.Self)
			simulator.Map.PutEntity(folder, network)
		})
		simulator.Map.WithLock(dc, func() { dc.Network = append(dc.Network, network.Self) })
	}
	simulator.Map.AddReference(network, &network.Host, host.Self)
	if simulator.FindReference(host.Network, network.Self) == nil { // the caller holds the host lock
		host.Network = append(host.Network, network.Self)
	}
	if cr, ok := simulator.Map.Get(*host.Parent).(*simulator.ClusterComputeResource); ok {
		simulator.Map.AddReference(cr, &cr.Network, network.Self)
	}
}

func unlinkNetwork(host *simulator.HostSystem, name string) {
	for _, ref := range host.Network {
		if n, ok := simulator.Map.Get(ref).(*mo.Network); ok && n.Name == name {
			simulator.Map.RemoveReference(n, &n.Host, host.Self)
			simulator.RemoveReference(&host.Network, ref) // the caller holds the host lock
			return
		}
	}
}

func datacenterOf(e mo.Entity) *simulator.Datacenter {
	for p := e.Entity().Parent; p != nil; {
		obj := simulator.Map.Get(*p)
		if dc, ok := obj.(*simulator.Datacenter); ok {
			return dc
		}
		p = obj.(mo.Entity).Entity().Parent
	}
	return nil
}

// effectiveSelection returns the devices selected for nicType: explicit selections plus
// every vmknic on the vmotion (resp. provisioning) stack for vmotion (resp. vSphereProvisioning).
func (hn *hostNet) effectiveSelection(nicType string) []string {
	sel := append([]string(nil), hn.selected[nicType]...)
	for _, v := range hn.info().Vnic {
		if (nicType == "vmotion" && v.Spec.NetStackInstanceKey == stackVmotion) ||
			(nicType == "vSphereProvisioning" && v.Spec.NetStackInstanceKey == stackProvisioning) {
			if !contains(sel, v.Device) {
				sel = append(sel, v.Device)
			}
		}
	}
	sort.Strings(sel)
	return sel
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// candidate reports whether vnic can serve nicType (stack-bound vmknics serve only their service).
func candidate(nicType string, v types.HostVirtualNic) bool {
	switch v.Spec.NetStackInstanceKey {
	case stackVmotion:
		return nicType == "vmotion"
	case stackProvisioning:
		return nicType == "vSphereProvisioning"
	}
	return true
}

// netConfig is QueryNetConfig's answer for one nic type.
func (hn *hostNet) netConfig(nicType string) types.VirtualNicManagerNetConfig {
	cfg := types.VirtualNicManagerNetConfig{NicType: nicType, MultiSelectAllowed: true}
	selected := hn.effectiveSelection(nicType)
	for _, v := range hn.info().Vnic {
		if !candidate(nicType, v) {
			continue
		}
		c := v
		c.Key = nicType + "." + v.Key
		cfg.CandidateVnic = append(cfg.CandidateVnic, c)
		if contains(selected, v.Device) {
			cfg.SelectedVnic = append(cfg.SelectedVnic, c.Key)
		}
	}
	return cfg
}

// vmotionVnic returns the vMotion vmknic (the first selected one), or nil.
func (hn *hostNet) vmotionVnic() *types.HostVirtualNic {
	sel := hn.effectiveSelection("vmotion")
	for i, v := range hn.info().Vnic {
		if contains(sel, v.Device) {
			return &hn.info().Vnic[i]
		}
	}
	return nil
}

// refresh recomputes the derived views: config.virtualNicManagerInfo, config.vmotion and
// runtime.networkRuntimeInfo.
func (hn *hostNet) refresh() {
	info := &types.HostVirtualNicManagerInfo{}
	for _, t := range nicTypes {
		info.NetConfig = append(info.NetConfig, hn.netConfig(t))
	}
	hn.host.Config.VirtualNicManagerInfo = info

	vm := hn.netConfig("vmotion")
	vmotion := &types.HostVMotionInfo{NetConfig: &types.HostVMotionNetConfig{CandidateVnic: vm.CandidateVnic}}
	if v := hn.vmotionVnic(); v != nil {
		vmotion.NetConfig.SelectedVnic = "VMotionConfig.vmotion." + v.Key
		vmotion.IpConfig = v.Spec.Ip
	}
	hn.host.Config.Vmotion = vmotion

	rt := &types.HostRuntimeInfoNetworkRuntimeInfo{}
	for _, st := range hn.info().NetStackInstance {
		rt.NetStackInstanceRuntimeInfo = append(rt.NetStackInstanceRuntimeInfo, types.HostRuntimeInfoNetStackInstanceRuntimeInfo{
			NetStackInstanceKey:    st.Key,
			State:                  "active",
			VmknicKeys:             hn.vnicKeysOn(st.Key),
			MaxNumberOfConnections: st.RequestedMaxNumberOfConnections,
		})
	}
	hn.host.Runtime.NetworkRuntimeInfo = rt
}

func (hn *hostNet) vnicKeysOn(stack string) []string {
	var keys []string
	for _, v := range hn.info().Vnic {
		if v.Spec.NetStackInstanceKey == stack {
			keys = append(keys, v.Key)
		}
	}
	return keys
}

// selectVnic implements SelectVnicForNicType / DeselectVnicForNicType.
func (hn *hostNet) selectVnic(nicType, device string, on bool) *simError {
	if !contains(nicTypes, nicType) {
		return invalidArgument("nicType", "host %s: unknown nic type %q", hn.name(), nicType)
	}
	i := hn.vnicIndex(device)
	if i < 0 {
		return notFound("host %s: VMkernel NIC %s not found", hn.name(), device)
	}
	if on && !candidate(nicType, hn.info().Vnic[i]) {
		return invalidArgument("device", "host %s: %s on stack %s cannot serve %s", hn.name(), device,
			hn.info().Vnic[i].Spec.NetStackInstanceKey, nicType)
	}
	hn.selected[nicType] = without(hn.selected[nicType], device)
	if on {
		hn.selected[nicType] = append(hn.selected[nicType], device)
	}
	hn.refresh()
	return nil
}

// ---- SOAP objects ----

// NetSys replaces the simulator's HostNetworkSystem (embedded by value, see docs/vsphere.md §4).
type NetSys struct {
	simulator.HostNetworkSystem
	hn *hostNet
}

func (s *NetSys) AddVirtualNic(req *types.AddVirtualNic) soap.HasFault {
	var device string
	var err *simError
	s.hn.locked(func() { device, err = s.hn.addVnic(req.Portgroup, req.Nic) })
	if err != nil {
		return &methods.AddVirtualNicBody{Fault_: err.soap()}
	}
	return &methods.AddVirtualNicBody{Res: &types.AddVirtualNicResponse{Returnval: device}}
}

func (s *NetSys) UpdateVirtualNic(req *types.UpdateVirtualNic) soap.HasFault {
	var err *simError
	s.hn.locked(func() { err = s.hn.updateVnic(req.Device, req.Nic) })
	if err != nil {
		return &methods.UpdateVirtualNicBody{Fault_: err.soap()}
	}
	return &methods.UpdateVirtualNicBody{Res: &types.UpdateVirtualNicResponse{}}
}

func (s *NetSys) RemoveVirtualNic(req *types.RemoveVirtualNic) soap.HasFault {
	var err *simError
	s.hn.locked(func() { err = s.hn.removeVnic(req.Device) })
	if err != nil {
		return &methods.RemoveVirtualNicBody{Fault_: err.soap()}
	}
	return &methods.RemoveVirtualNicBody{Res: &types.RemoveVirtualNicResponse{}}
}

func (s *NetSys) UpdateIpRouteConfig(req *types.UpdateIpRouteConfig) soap.HasFault {
	var err *simError
	s.hn.locked(func() { err = s.hn.setHostGateway(req.Config) })
	if err != nil {
		return &methods.UpdateIpRouteConfigBody{Fault_: err.soap()}
	}
	return &methods.UpdateIpRouteConfigBody{Res: &types.UpdateIpRouteConfigResponse{}}
}

func (s *NetSys) AddPortGroup(req *types.AddPortGroup) soap.HasFault {
	var err *simError
	s.hn.locked(func() { err = s.hn.addPortGroup(req.Portgrp) })
	if err != nil {
		return &methods.AddPortGroupBody{Fault_: err.soap()}
	}
	return &methods.AddPortGroupBody{Res: &types.AddPortGroupResponse{}}
}

func (s *NetSys) RemovePortGroup(req *types.RemovePortGroup) soap.HasFault {
	var err *simError
	s.hn.locked(func() { err = s.hn.removePortGroup(req.PgName) })
	if err != nil {
		return &methods.RemovePortGroupBody{Fault_: err.soap()}
	}
	return &methods.RemovePortGroupBody{Res: &types.RemovePortGroupResponse{}}
}

// UpdateNetworkConfig applies netStackSpec edits, vnic changes and the host ipRouteConfig.
// Other sections are rejected rather than silently ignored.
func (s *NetSys) UpdateNetworkConfig(req *types.UpdateNetworkConfig) soap.HasFault {
	var res types.HostNetworkConfigResult
	var err *simError
	s.hn.locked(func() { res, err = s.hn.applyNetworkConfig(req.Config, req.ChangeMode) })
	if err != nil {
		return &methods.UpdateNetworkConfigBody{Fault_: err.soap()}
	}
	return &methods.UpdateNetworkConfigBody{Res: &types.UpdateNetworkConfigResponse{Returnval: res}}
}

func (hn *hostNet) applyNetworkConfig(c types.HostNetworkConfig, mode string) (types.HostNetworkConfigResult, *simError) {
	var res types.HostNetworkConfigResult
	if mode != string(types.HostConfigChangeModeModify) {
		return res, invalidArgument("changeMode", "host %s: changeMode %q is not supported, use modify", hn.name(), mode)
	}
	var unsupported []string
	if len(c.Vswitch) > 0 {
		unsupported = append(unsupported, "vswitch")
	}
	if len(c.ProxySwitch) > 0 {
		unsupported = append(unsupported, "proxySwitch")
	}
	if len(c.Pnic) > 0 {
		unsupported = append(unsupported, "pnic")
	}
	if len(c.ConsoleVnic) > 0 {
		unsupported = append(unsupported, "consoleVnic")
	}
	if len(unsupported) > 0 {
		return res, newError(&types.NotSupported{}, "host %s: UpdateNetworkConfig sections not supported by the simulator: %s",
			hn.name(), strings.Join(unsupported, ", "))
	}
	for _, pg := range c.Portgroup {
		if pg.ChangeOperation == string(types.HostConfigChangeOperationAdd) && pg.Spec != nil {
			if err := hn.addPortGroup(*pg.Spec); err != nil {
				return res, err
			}
		} else if pg.ChangeOperation == string(types.HostConfigChangeOperationRemove) && pg.Spec != nil {
			if err := hn.removePortGroup(pg.Spec.Name); err != nil {
				return res, err
			}
		} else {
			return res, newError(&types.NotSupported{}, "host %s: port group change %q not supported", hn.name(), pg.ChangeOperation)
		}
	}
	for _, ns := range c.NetStackSpec {
		if err := hn.editNetStack(ns); err != nil {
			return res, err
		}
	}
	for _, v := range c.Vnic {
		device, err := hn.applyVnicConfig(v)
		if err != nil {
			return res, err
		}
		if device != "" {
			res.VnicDevice = append(res.VnicDevice, device)
		}
	}
	if c.IpRouteConfig != nil {
		if err := hn.setHostGateway(c.IpRouteConfig); err != nil {
			return res, err
		}
	}
	if c.DnsConfig != nil {
		if st := hn.netStack(stackDefault); st != nil {
			st.DnsConfig = c.DnsConfig
		}
		hn.info().DnsConfig = c.DnsConfig
	}
	return res, nil
}

// VnicManager is the host's HostVirtualNicManager (absent from vcsim 0.24.2).
type VnicManager struct {
	mo.HostVirtualNicManager
	hn *hostNet
}

func (m *VnicManager) QueryNetConfig(req *types.QueryNetConfig) soap.HasFault {
	if !contains(nicTypes, req.NicType) {
		err := invalidArgument("nicType", "host %s: unknown nic type %q", m.hn.name(), req.NicType)
		return &methods.QueryNetConfigBody{Fault_: err.soap()}
	}
	var cfg types.VirtualNicManagerNetConfig
	m.hn.locked(func() { cfg = m.hn.netConfig(req.NicType) })
	return &methods.QueryNetConfigBody{Res: &types.QueryNetConfigResponse{Returnval: &cfg}}
}

func (m *VnicManager) SelectVnicForNicType(req *types.SelectVnicForNicType) soap.HasFault {
	var err *simError
	m.hn.locked(func() { err = m.hn.selectVnic(req.NicType, req.Device, true) })
	if err != nil {
		return &methods.SelectVnicForNicTypeBody{Fault_: err.soap()}
	}
	return &methods.SelectVnicForNicTypeBody{Res: &types.SelectVnicForNicTypeResponse{}}
}

func (m *VnicManager) DeselectVnicForNicType(req *types.DeselectVnicForNicType) soap.HasFault {
	var err *simError
	m.hn.locked(func() { err = m.hn.selectVnic(req.NicType, req.Device, false) })
	if err != nil {
		return &methods.DeselectVnicForNicTypeBody{Fault_: err.soap()}
	}
	return &methods.DeselectVnicForNicTypeBody{Res: &types.DeselectVnicForNicTypeResponse{}}
}
