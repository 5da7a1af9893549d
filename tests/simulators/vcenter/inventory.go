package main

import (
	"context"
	"fmt"
	"os"
	"path"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// The lab inventory of docs/lab.md.

type hostSpec struct {
	name, mgmtIP, vmotionIP string
}

type vmSpec struct {
	name     string
	memoryMB int32
	diskGB   int64
	host     int // index into siteSpec.hosts
}

type siteSpec struct {
	key, datacenter, cluster string
	hosts                    []hostSpec
	mgmtGateway              string
	datastores               []string
	vms                      []vmSpec
}

var primarySite = siteSpec{
	key: "primary", datacenter: "Primary", cluster: "Primary-Cluster",
	hosts: []hostSpec{
		{"esx-p1.lab.local", "192.0.2.11", "10.133.57.11"},
		{"esx-p2.lab.local", "192.0.2.12", "10.133.57.12"},
	},
	mgmtGateway: "192.0.2.1",
	datastores:  []string{"primary-ds1", "primary-ds2"},
	vms: []vmSpec{
		{"web-01", 1024, 10, 0}, {"web-02", 2048, 20, 1}, {"web-03", 3072, 30, 0},
		{"web-04", 4096, 40, 1}, {"web-05", 1024, 15, 0}, {"web-06", 2048, 25, 1},
	},
}

var secondarySite = siteSpec{
	key: "secondary", datacenter: "Secondary", cluster: "Secondary-Cluster",
	hosts: []hostSpec{
		{"esx-s1.lab.local", "198.51.100.11", "10.133.58.11"},
		{"esx-s2.lab.local", "198.51.100.12", "10.133.58.12"},
	},
	mgmtGateway: "198.51.100.1",
	datastores:  []string{"secondary-ds1", "secondary-ds2"},
}

// stretchedDatastores are mounted on every host of every site and carry the same URL in each
// site's vCenter: the stretched (cross-mounted) storage of the deployment guide's Appendix B.
var stretchedDatastores = []string{"stretched-ds1"}

// crossMounted follows the deployment guide's storage set-up: the first datastore of each site is
// also mounted on the hosts of the other site, under the same URL (ds:///vmfs/volumes/NAME/) in
// both vCenters. A VM then moves storage first (Storage vMotion onto the peer's datastore, inside
// its own vCenter) and memory second. The second datastore of each site stays local to it: moving
// there is one combined relocation (a site without shared storage).
var crossMounted = map[string][]string{
	"primary":   {"primary-ds1", "secondary-ds1"},
	"secondary": {"secondary-ds1", "primary-ds1"},
}

// mountPeers is false for -site both: the two datacenters share one vCenter there, and the peer's
// datastore already exists in it under its own datacenter.
var mountPeers = true

func sitesFor(site string) ([]siteSpec, error) {
	mountPeers = site != "both"
	switch site {
	case "primary":
		return []siteSpec{primarySite}, nil
	case "secondary":
		return []siteSpec{secondarySite}, nil
	case "both":
		return []siteSpec{primarySite, secondarySite}, nil
	}
	return nil, fmt.Errorf("-site must be primary, secondary or both, got %q", site)
}

// hostState is what the extension keeps per ESXi host.
type hostState struct {
	hn   *hostNet
	opts *HostOptions
	site string
}

// builder creates one site through the simulator's own API (in-process client).
type builder struct {
	ctx    context.Context
	client *vim25.Client
	w      *world
}

func (b *builder) wait(task *object.Task, err error) (types.AnyType, error) {
	if err != nil {
		return nil, err
	}
	info, err := task.WaitForResult(b.ctx, nil)
	if err != nil {
		return nil, err
	}
	return info.Result, nil
}

func (b *builder) site(s siteSpec) error {
	root := object.NewRootFolder(b.client)
	dc, err := root.CreateDatacenter(b.ctx, s.datacenter)
	if err != nil {
		return fmt.Errorf("datacenter %s: %v", s.datacenter, err)
	}
	folders, err := dc.Folders(b.ctx)
	if err != nil {
		return err
	}
	cluster, err := folders.HostFolder.CreateCluster(b.ctx, s.cluster, types.ClusterConfigSpecEx{})
	if err != nil {
		return fmt.Errorf("cluster %s: %v", s.cluster, err)
	}
	var hosts []*object.HostSystem
	for _, h := range s.hosts {
		res, err := b.wait(cluster.AddHost(b.ctx, types.HostConnectSpec{HostName: h.name}, true, nil, nil))
		if err != nil {
			return fmt.Errorf("host %s: %v", h.name, err)
		}
		host := object.NewHostSystem(b.client, res.(types.ManagedObjectReference))
		hosts = append(hosts, host)
		b.configureHost(host.Reference(), s, h)
	}
	dsRefs := map[string]types.ManagedObjectReference{}
	for _, name := range s.datastores {
		ref, err := b.datastore(name, hosts)
		if err != nil {
			return fmt.Errorf("datastore %s: %v", name, err)
		}
		dsRefs[name] = ref
	}
	for _, name := range stretchedDatastores {
		ref, err := b.datastore(name, hosts)
		if err != nil {
			return fmt.Errorf("datastore %s: %v", name, err)
		}
		stretch(ref, name)
	}
	for _, name := range crossMounted[s.key] {
		ref, ok := dsRefs[name]
		if !ok && !mountPeers {
			continue
		}
		if !ok {
			// The peer site's datastore, mounted on this site's hosts.
			if ref, err = b.datastore(name, hosts); err != nil {
				return fmt.Errorf("datastore %s: %v", name, err)
			}
		}
		stretch(ref, name)
	}
	pool, err := cluster.ResourcePool(b.ctx)
	if err != nil {
		return err
	}
	for _, v := range s.vms {
		if err := b.vm(v, s, folders, pool, hosts[v.host]); err != nil {
			return fmt.Errorf("vm %s: %v", v.name, err)
		}
	}
	return nil
}

func (b *builder) datastore(name string, hosts []*object.HostSystem) (types.ManagedObjectReference, error) {
	dir, err := os.MkdirTemp("", "vcsim-ld-"+name+"-")
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	b.w.dirs = append(b.w.dirs, dir)
	dss, err := hosts[0].ConfigManager().DatastoreSystem(b.ctx)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	created, err := dss.CreateLocalDatastore(b.ctx, name, dir)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	ref := created.Reference()
	for _, h := range hosts[1:] {
		mountShared(ref, h.Reference())
	}
	return ref, nil
}

// mountShared mounts an existing datastore on another host of the datacenter (vcsim's
// CreateLocalDatastore would replace the datastore object instead of sharing it).
func mountShared(dsRef, hostRef types.ManagedObjectReference) {
	ds := simulator.Map.Get(dsRef).(*simulator.Datastore)
	host := simulator.Map.Get(hostRef).(*simulator.HostSystem)
	dss := simulator.Map.Get(*host.ConfigManager.DatastoreSystem).(*simulator.HostDatastoreSystem)
	dss.Datastore = append(dss.Datastore, dsRef)
	host.Datastore = dss.Datastore
	ds.Host = append(ds.Host, types.DatastoreHostMount{
		Key: hostRef,
		MountInfo: types.HostMountInfo{
			Path: ds.Info.GetDatastoreInfo().Url, AccessMode: string(types.HostMountModeReadWrite),
			Mounted: types.NewBool(true), Accessible: types.NewBool(true),
		},
	})
}

// stretch gives a datastore the URL (summary.url) and mount path it has in every vCenter of the lab,
// ds:///vmfs/volumes/NAME/. Its info.url stays the process's own directory, which vcsim uses as the
// datastore's file store.
func stretch(dsRef types.ManagedObjectReference, name string) {
	ds := simulator.Map.Get(dsRef).(*simulator.Datastore)
	mountPath := "/vmfs/volumes/" + name
	ds.Summary.Url = "ds://" + mountPath + "/"
	for i := range ds.Host {
		ds.Host[i].MountInfo.Path = mountPath
	}
}

// configureHost installs the extension objects and the lab's VMkernel networking on a host.
func (b *builder) configureHost(ref types.ManagedObjectReference, s siteSpec, h hostSpec) {
	host := simulator.Map.Get(ref).(*simulator.HostSystem)
	hn := newHostNet(host)

	orig := simulator.Map.Get(*host.ConfigManager.NetworkSystem).(*simulator.HostNetworkSystem)
	ns := &NetSys{HostNetworkSystem: *orig, hn: hn}
	ns.NetworkInfo = host.Config.Network
	simulator.Map.Put(ns)

	vnm := &VnicManager{hn: hn}
	vnm.Self = types.ManagedObjectReference{Type: "HostVirtualNicManager", Value: "virtualNicManager-" + ref.Value}
	simulator.Map.Put(vnm)
	host.ConfigManager.VirtualNicManager = &vnm.Self

	opts := newHostOptions(ref, h.name)
	simulator.Map.Put(opts)
	host.ConfigManager.AdvancedOption = &opts.Self

	labNetwork(hn, s, h)
	b.w.hosts[ref.Value] = &hostState{hn: hn, opts: opts, site: s.key}
}

// labNetwork gives a host vmk0 (management) and vmk1 (vMotion, no gateway override).
func labNetwork(hn *hostNet, s siteSpec, h hostSpec) {
	info := hn.info()
	short := h.name[:len(h.name)-len(".lab.local")]
	mgmt := &info.Vnic[0]
	mgmt.Spec.Ip = &types.HostIpConfig{IpAddress: h.mgmtIP, SubnetMask: "255.255.255.0"}
	mgmt.Spec.Mac = hn.newMac()
	dns := &types.HostDnsConfig{HostName: short, DomainName: "lab.local", Address: []string{s.mgmtGateway}, SearchDomain: []string{"lab.local"}}
	info.DnsConfig = dns
	route := &types.HostIpRouteConfig{DefaultGateway: s.mgmtGateway, GatewayDevice: "vmk0"}
	info.IpRouteConfig = route
	for i := range info.NetStackInstance {
		st := &info.NetStackInstance[i]
		st.Name = st.Key
		st.CongestionControlAlgorithm = "newreno"
		st.RequestedMaxNumberOfConnections = 11000
		if st.Key == stackDefault {
			copied := *route
			st.IpRouteConfig = &copied
			st.DnsConfig = dns
		} else {
			st.IpRouteConfig = &types.HostIpRouteConfig{}
			st.DnsConfig = &types.HostDnsConfig{}
		}
	}
	linkNetwork(hn.host, "VM Network")
	if err := hn.addPortGroup(types.HostPortGroupSpec{Name: "vMotion", VswitchName: "vSwitch0", Policy: types.HostNetworkPolicy{}}); err != nil {
		panic(err)
	}
	dev, err := hn.addVnic("vMotion", types.HostVirtualNicSpec{
		Ip:                  &types.HostIpConfig{IpAddress: h.vmotionIP, SubnetMask: "255.255.255.0"},
		NetStackInstanceKey: stackDefault,
		Mtu:                 1500,
	})
	if err != nil {
		panic(err)
	}
	hn.selected["management"] = []string{"vmk0"}
	hn.selected["vmotion"] = []string{dev}
	hn.refresh()
}

func (b *builder) vm(v vmSpec, s siteSpec, folders *object.DatacenterFolders, pool *object.ResourcePool, host *object.HostSystem) error {
	ds := s.datastores[0]
	config := types.VirtualMachineConfigSpec{
		Name:     v.name,
		GuestId:  string(types.VirtualMachineGuestOsIdentifierOtherLinux64Guest),
		NumCPUs:  1,
		MemoryMB: int64(v.memoryMB),
		Files:    &types.VirtualMachineFileInfo{VmPathName: "[" + ds + "]"},
	}
	net, err := networkBacking(s.datacenter, "VM Network")
	if err != nil {
		return err
	}
	devices, err := vmDevices(ds, v.name, v.diskGB*1024*1024, net)
	if err != nil {
		return err
	}
	config.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	res, err := b.wait(folders.VmFolder.CreateVM(b.ctx, config, pool, host))
	if err != nil {
		return err
	}
	vm := object.NewVirtualMachine(b.client, res.(types.ManagedObjectReference))
	_, err = b.wait(vm.PowerOn(b.ctx))
	return err
}

// vmDevices is a SCSI controller, one thin disk and one NIC.
func vmDevices(ds, name string, diskKB int64, backing types.BaseVirtualDeviceBackingInfo) (object.VirtualDeviceList, error) {
	var devices object.VirtualDeviceList
	scsi, err := devices.CreateSCSIController("pvscsi")
	if err != nil {
		return nil, err
	}
	devices = append(devices, scsi)
	disk := devices.CreateDisk(scsi.(types.BaseVirtualController), types.ManagedObjectReference{},
		"["+ds+"] "+path.Join(name, name+".vmdk"))
	disk.CapacityInKB = diskKB
	disk.CapacityInBytes = diskKB * 1024
	nic, err := devices.CreateEthernetCard("vmxnet3", backing)
	if err != nil {
		return nil, err
	}
	return append(devices, disk, nic), nil
}

// networkBacking finds the standard Network called name in the datacenter.
func networkBacking(datacenter, name string) (types.BaseVirtualDeviceBackingInfo, error) {
	for _, e := range simulator.Map.All("Datacenter") {
		dc := e.(*simulator.Datacenter)
		if dc.Name != datacenter {
			continue
		}
		for _, ref := range dc.Network {
			if n := simulator.Map.Get(ref); n != nil && n.(mo.Entity).Entity().Name == name {
				r := ref
				return &types.VirtualEthernetCardNetworkBackingInfo{
					VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: name},
					Network:                        &r,
				}, nil
			}
		}
	}
	return nil, fmt.Errorf("network %q not found in datacenter %s", name, datacenter)
}
