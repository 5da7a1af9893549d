package main

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// remote is a logged-in session on the target vCenter of a cross-vCenter relocation.
type remote struct {
	client *vim25.Client
	host   mo.HostSystem
	ds     mo.Datastore
	pool   types.ManagedObjectReference
	folder types.ManagedObjectReference
}

// crossVcenterMigration plans a RelocateSpec.service move to another simulator process.
func (vm *VM) crossVcenterMigration(spec types.VirtualMachineRelocateSpec) (*migration, *simError) {
	svc := spec.Service
	cred, ok := svc.Credential.(*types.ServiceLocatorNamePassword)
	if !ok {
		return nil, invalidArgument("spec.service.credential", "%s: only NamePassword credentials are supported, got %T", vm.Name, svc.Credential)
	}
	for name, ref := range map[string]*types.ManagedObjectReference{"host": spec.Host, "pool": spec.Pool, "datastore": spec.Datastore} {
		if ref == nil {
			return nil, invalidArgument("spec."+name, "%s: a cross-vCenter relocation needs spec.%s (a moref in the target vCenter)", vm.Name, name)
		}
	}
	u, err := url.Parse(svc.Url)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, invalidArgument("spec.service.url", "%s: invalid target URL %q", vm.Name, svc.Url)
	}
	src, srcDS := vm.currentHost(), vm.currentDatastore()
	wan, _ := vm.w.sched.links()
	m := &migration{vm: vm.Name, kind: "cross-vcenter", hostCost: map[string]int{src.Name: hostCostStorage},
		dsCost: map[string]int{srcDS.Name: dsCostStorage}, link: wan, linkKey: "wan:" + svc.Url, path: plainPath}
	data := diskMbit(vm.diskKB())
	if vm.poweredOn() {
		data += memoryMbit(int64(vm.Config.Hardware.MemoryMB))
	}
	var target *remote
	m.preflight = func(s *scheduler) *simError {
		r, err := vm.connectTarget(spec, cred, u)
		if err != nil {
			return err
		}
		target = r
		routed := vm.w.gatewayRouted(src) && remoteRouted(r.host)
		s.mu.Lock()
		defer s.mu.Unlock()
		m.dataMbit = data
		if routed {
			m.path = isessionPath
		}
		return nil
	}
	m.commit = func() *simError {
		if err := vm.createInTarget(target, spec); err != nil {
			return err
		}
		return vm.removeFromSource()
	}
	return m, nil
}

// thumbprint is the SHA-1 fingerprint of a DER certificate, colon-separated upper-case hex.
func thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

func normalizeThumbprint(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), ":", ""))
}

// verifyPeer checks the target's certificate against sslThumbprint, or against -ca when no
// thumbprint was given, as vCenter refuses an untrusted peer.
func (vm *VM) verifyPeer(u *url.URL, want string) *simError {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: vm.w.cfg.targetTimeout}, "tcp", u.Host, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // verified below
	if err != nil {
		return newError(&types.HostConnectFault{}, "cannot connect to target vCenter %s: %v", u.Host, err)
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	got := thumbprint(certs[0].Raw)
	if want != "" {
		if normalizeThumbprint(want) != normalizeThumbprint(got) {
			return newError(&types.SSLVerifyFault{Thumbprint: got},
				"SSL verification of target vCenter %s failed: certificate thumbprint %s does not match sslThumbprint %s", u.Host, got, want)
		}
		return nil
	}
	if vm.w.cfg.caFile == "" {
		return newError(&types.SSLVerifyFault{Thumbprint: got},
			"SSL verification of target vCenter %s failed: no sslThumbprint given and no trusted CA configured (certificate thumbprint %s)", u.Host, got)
	}
	pem, err := os.ReadFile(vm.w.cfg.caFile)
	if err != nil {
		return newError(&types.SSLVerifyFault{Thumbprint: got}, "reading the trusted CA %s: %v", vm.w.cfg.caFile, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	host := u.Hostname()
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
		return newError(&types.SSLVerifyFault{Thumbprint: got}, "SSL verification of target vCenter %s failed: %v", u.Host, err)
	}
	return nil
}

// targetCalls is the context of one group of calls to the target: bounded by -target-timeout
// and cancelled by a reset. The modelled transfer between the groups is not bounded.
func (vm *VM) targetCalls() (context.Context, context.CancelFunc) {
	return context.WithTimeout(vm.w.ctx, vm.w.cfg.targetTimeout)
}

// connectTarget logs into the target, checks its instanceUuid and resolves the placement.
func (vm *VM) connectTarget(spec types.VirtualMachineRelocateSpec, cred *types.ServiceLocatorNamePassword, u *url.URL) (*remote, *simError) {
	svc := spec.Service
	if err := vm.verifyPeer(u, svc.SslThumbprint); err != nil {
		return nil, err
	}
	ctx, cancel := vm.targetCalls()
	defer cancel()
	sc := soap.NewClient(u, true)
	client, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return nil, newError(&types.HostConnectFault{}, "cannot reach target vCenter %s: %v", svc.Url, err)
	}
	if err := session.NewManager(client).Login(ctx, url.UserPassword(cred.Username, cred.Password)); err != nil {
		return nil, newError(&types.InvalidLogin{}, "login to target vCenter %s as %s failed: %v", svc.Url, cred.Username, err)
	}
	if got := client.ServiceContent.About.InstanceUuid; !strings.EqualFold(got, svc.InstanceUuid) {
		return nil, invalidArgument("spec.service.instanceUuid", "target vCenter %s has instanceUuid %s, not %s", svc.Url, got, svc.InstanceUuid)
	}
	r := &remote{client: client, pool: *spec.Pool}
	pc := property.DefaultCollector(client)
	if err := pc.RetrieveOne(ctx, *spec.Host, []string{"name", "config.network", "config.virtualNicManagerInfo", "network", "parent"}, &r.host); err != nil {
		return nil, newError(&types.ManagedObjectNotFound{Obj: *spec.Host}, "target host %s: %v", spec.Host.Value, err)
	}
	if err := pc.RetrieveOne(ctx, *spec.Datastore, []string{"name", "host"}, &r.ds); err != nil {
		return nil, newError(&types.ManagedObjectNotFound{Obj: *spec.Datastore}, "target datastore %s: %v", spec.Datastore.Value, err)
	}
	var pool mo.ResourcePool
	if err := pc.RetrieveOne(ctx, *spec.Pool, []string{"name"}, &pool); err != nil {
		return nil, newError(&types.ManagedObjectNotFound{Obj: *spec.Pool}, "target resource pool %s: %v", spec.Pool.Value, err)
	}
	mountedOnHost := false
	for _, h := range r.ds.Host {
		mountedOnHost = mountedOnHost || h.Key == r.host.Self
	}
	if !mountedOnHost {
		return nil, invalidArgument("spec.datastore", "target host %s has no access to datastore %s", r.host.Name, r.ds.Name)
	}
	if spec.Folder != nil {
		r.folder = *spec.Folder
	} else {
		f, err := targetVMFolder(ctx, client, r.host.Reference())
		if err != nil {
			return nil, newError(&types.NotFound{}, "target vCenter: VM folder of host %s: %v", r.host.Name, err)
		}
		r.folder = f
	}
	return r, nil
}

func targetVMFolder(ctx context.Context, c *vim25.Client, host types.ManagedObjectReference) (types.ManagedObjectReference, error) {
	pc := property.DefaultCollector(c)
	ref := host
	for {
		var e mo.ManagedEntity
		if err := pc.RetrieveOne(ctx, ref, []string{"parent"}, &e); err != nil {
			return ref, err
		}
		if e.Parent == nil {
			return ref, fmt.Errorf("no datacenter above %s", host.Value)
		}
		if e.Parent.Type == "Datacenter" {
			var dc mo.Datacenter
			if err := pc.RetrieveOne(ctx, *e.Parent, []string{"vmFolder"}, &dc); err != nil {
				return ref, err
			}
			return dc.VmFolder, nil
		}
		ref = *e.Parent
	}
}

// remoteRouted reports whether the target host's vMotion vmknic routes via its own gateway.
func remoteRouted(h mo.HostSystem) bool {
	if h.Config == nil || h.Config.Network == nil || h.Config.VirtualNicManagerInfo == nil {
		return false
	}
	for _, nc := range h.Config.VirtualNicManagerInfo.NetConfig {
		if nc.NicType != "vmotion" {
			continue
		}
		for _, key := range nc.SelectedVnic {
			for i, v := range h.Config.Network.Vnic {
				if "vmotion."+v.Key == key {
					return vnicRouted(h.Config.Network, &h.Config.Network.Vnic[i])
				}
			}
		}
	}
	return false
}

// targetNetworks maps the labels of the networks visible on the target host to their morefs.
func targetNetworks(ctx context.Context, r *remote) (map[string]types.ManagedObjectReference, error) {
	out := map[string]types.ManagedObjectReference{}
	if len(r.host.Network) == 0 {
		return out, nil
	}
	var nets []mo.Network
	if err := property.DefaultCollector(r.client).Retrieve(ctx, r.host.Network, []string{"name"}, &nets); err != nil {
		return nil, err
	}
	for _, n := range nets {
		out[n.Name] = n.Self
	}
	return out, nil
}

// createInTarget registers the VM in the target with the same identity and powers it on.
func (vm *VM) createInTarget(r *remote, spec types.VirtualMachineRelocateSpec) *simError {
	ctx, cancel := vm.targetCalls()
	defer cancel()
	nets, err := targetNetworks(ctx, r)
	if err != nil {
		return newError(&types.HostConnectFault{}, "target vCenter: networks of host %s: %v", r.host.Name, err)
	}
	edits := map[int32]types.BaseVirtualDeviceBackingInfo{}
	for _, c := range spec.DeviceChange {
		d := c.GetVirtualDeviceConfigSpec().Device
		if _, ok := d.(types.BaseVirtualEthernetCard); !ok || c.GetVirtualDeviceConfigSpec().Operation != types.VirtualDeviceConfigSpecOperationEdit {
			return invalidArgument("spec.deviceChange", "%s: only network adapter edits are supported in a relocate", vm.Name)
		}
		edits[d.GetVirtualDevice().Key] = d.GetVirtualDevice().Backing
	}
	var devices object.VirtualDeviceList
	scsi, _ := devices.CreateSCSIController("pvscsi")
	devices = append(devices, scsi)
	for _, d := range vm.Config.Hardware.Device {
		switch dev := d.(type) {
		case *types.VirtualDisk:
			disk := devices.CreateDisk(scsi.(types.BaseVirtualController), r.ds.Self, "["+r.ds.Name+"] "+vm.Name+"/"+vm.Name+".vmdk")
			disk.CapacityInKB = dev.CapacityInKB
			disk.CapacityInBytes = dev.CapacityInKB * 1024
			devices = append(devices, disk)
		case types.BaseVirtualEthernetCard:
			card := dev.GetVirtualEthernetCard()
			backing := card.Backing
			if b, ok := edits[card.Key]; ok {
				backing = b
			}
			label := ""
			if b, ok := backing.(*types.VirtualEthernetCardNetworkBackingInfo); ok {
				label = b.DeviceName
			}
			ref, ok := nets[label]
			if !ok {
				return newError(&types.NotFound{}, "%s: port group %q not found on target host %s", vm.Name, label, r.host.Name)
			}
			nic, _ := devices.CreateEthernetCard("vmxnet3", &types.VirtualEthernetCardNetworkBackingInfo{
				VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: label}, Network: &ref})
			nic.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard().MacAddress = card.MacAddress
			nic.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard().AddressType = card.AddressType
			devices = append(devices, nic)
		}
	}
	config := types.VirtualMachineConfigSpec{
		Name: vm.Name, Uuid: vm.Config.Uuid, InstanceUuid: vm.Config.InstanceUuid, GuestId: vm.Config.GuestId,
		NumCPUs: vm.Config.Hardware.NumCPU, MemoryMB: int64(vm.Config.Hardware.MemoryMB),
		Files: &types.VirtualMachineFileInfo{VmPathName: "[" + r.ds.Name + "]"},
	}
	config.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	folder := object.NewFolder(r.client, r.folder)
	pool := object.NewResourcePool(r.client, r.pool)
	host := object.NewHostSystem(r.client, r.host.Self)
	task, err := folder.CreateVM(ctx, config, pool, host)
	if err == nil {
		var info *types.TaskInfo
		info, err = task.WaitForResult(ctx, nil)
		if err == nil && vm.poweredOn() {
			target := object.NewVirtualMachine(r.client, info.Result.(types.ManagedObjectReference))
			var on *object.Task
			if on, err = target.PowerOn(ctx); err == nil {
				err = on.Wait(ctx)
			}
		}
	}
	if err != nil {
		return newError(&types.MigrationFault{}, "creating %s in target vCenter %s failed: %v", vm.Name, spec.Service.Url, err)
	}
	return nil
}

// removeFromSource powers the source VM off and destroys it, through the in-process client.
func (vm *VM) removeFromSource() *simError {
	ctx := vm.w.ctx
	obj := object.NewVirtualMachine(vm.w.client, vm.Self)
	if vm.poweredOn() {
		if task, err := obj.PowerOff(ctx); err != nil || task.Wait(ctx) != nil {
			return newError(&types.MigrationFault{}, "powering off source VM %s failed", vm.Name)
		}
	}
	task, err := obj.Destroy(ctx)
	if err == nil {
		err = task.Wait(ctx)
	}
	if err != nil {
		return newError(&types.MigrationFault{}, "removing source VM %s failed: %v", vm.Name, err)
	}
	return nil
}
