package main

import (
	"fmt"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// VM replaces the simulator's VirtualMachine (embedded by value) to make RelocateVM_Task
// asynchronous, modelled and checked.
type VM struct {
	simulator.VirtualMachine
	w *world
}

// placement is a resolved RelocateSpec within this vCenter.
type placement struct {
	host   *simulator.HostSystem
	pool   mo.Reference
	ds     *simulator.Datastore
	folder *simulator.Folder
	dc     *simulator.Datacenter
}

func (vm *VM) RelocateVMTask(ctx *simulator.Context, req *types.RelocateVM_Task) soap.HasFault {
	if task := vm.w.sched.busy(vm.Self); task != nil {
		err := newError(&types.TaskInProgress{Task: *task}, "%s is already being migrated by %s", vm.Name, task.Value)
		return &methods.RelocateVM_TaskBody{Fault_: err.soap()}
	}
	var m *migration
	var err *simError
	if req.Spec.Service != nil {
		m, err = vm.crossVcenterMigration(req.Spec)
	} else {
		m, err = vm.localMigration(req.Spec)
	}
	if err != nil {
		return &methods.RelocateVM_TaskBody{Fault_: err.soap()}
	}
	task := simulator.CreateTask(vm, "RelocateVMTask", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) { return nil, nil })
	task.Info.DescriptionId = "VirtualMachine.relocate"
	task.Info.EntityName = vm.Name
	m.task, m.vmRef = task, vm.Self
	vm.w.sched.submit(m)
	return &methods.RelocateVM_TaskBody{Res: &types.RelocateVM_TaskResponse{Returnval: task.Self}}
}

func lookup(ref *types.ManagedObjectReference, kind string) (mo.Reference, *simError) {
	if ref == nil {
		return nil, nil
	}
	obj := simulator.Map.Get(*ref)
	if obj == nil {
		return nil, objectNotFound(*ref, kind)
	}
	return obj, nil
}

func (vm *VM) currentHost() *simulator.HostSystem {
	return simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem)
}

func (vm *VM) currentDatastore() *simulator.Datastore {
	return simulator.Map.Get(vm.Datastore[0]).(*simulator.Datastore)
}

// resolve validates the spec's references (call-time faults, as vCenter reports them).
func (vm *VM) resolve(spec types.VirtualMachineRelocateSpec) (*placement, *simError) {
	p := &placement{host: vm.currentHost(), ds: vm.currentDatastore()}
	if obj, err := lookup(spec.Host, "host"); err != nil {
		return nil, err
	} else if obj != nil {
		h, ok := obj.(*simulator.HostSystem)
		if !ok {
			return nil, invalidArgument("spec.host", "%s is not a HostSystem", spec.Host.Value)
		}
		p.host = h
	}
	if obj, err := lookup(spec.Datastore, "datastore"); err != nil {
		return nil, err
	} else if obj != nil {
		d, ok := obj.(*simulator.Datastore)
		if !ok {
			return nil, invalidArgument("spec.datastore", "%s is not a Datastore", spec.Datastore.Value)
		}
		p.ds = d
	}
	if obj, err := lookup(spec.Pool, "resource pool"); err != nil {
		return nil, err
	} else if obj != nil {
		if _, ok := obj.(*simulator.ResourcePool); !ok {
			return nil, invalidArgument("spec.pool", "%s is not a ResourcePool", spec.Pool.Value)
		}
		p.pool = obj
	}
	if obj, err := lookup(spec.Folder, "folder"); err != nil {
		return nil, err
	} else if obj != nil {
		f, ok := obj.(*simulator.Folder)
		if !ok {
			return nil, invalidArgument("spec.folder", "%s is not a Folder", spec.Folder.Value)
		}
		p.folder = f
	}
	p.dc = datacenterOf(p.host)
	srcDC := datacenterOf(vm.currentHost())
	if p.dc.Self != srcDC.Self && spec.Datastore == nil {
		return nil, invalidArgument("spec.datastore", "relocating %s to datacenter %s requires spec.datastore", vm.Name, p.dc.Name)
	}
	if p.pool == nil {
		if p.host.Self != vm.currentHost().Self {
			p.pool = simulator.Map.Get(*hostPool(p.host))
		} else {
			p.pool = simulator.Map.Get(*vm.ResourcePool)
		}
	}
	if p.folder == nil {
		if p.dc.Self != srcDC.Self {
			p.folder = simulator.Map.Get(p.dc.VmFolder).(*simulator.Folder)
		} else {
			p.folder = simulator.Map.Get(*vm.Parent).(*simulator.Folder)
		}
	}
	return p, nil
}

func hostPool(h *simulator.HostSystem) *types.ManagedObjectReference {
	switch cr := simulator.Map.Get(*h.Parent).(type) {
	case *simulator.ClusterComputeResource:
		return cr.ResourcePool
	case *mo.ComputeResource:
		return cr.ResourcePool
	}
	return nil
}

func mounted(ds *simulator.Datastore, host types.ManagedObjectReference) bool {
	for _, m := range ds.Host {
		if m.Key == host {
			return true
		}
	}
	return false
}

func (vm *VM) diskKB() int64 {
	var kb int64
	for _, d := range vm.Config.Hardware.Device {
		if disk, ok := d.(*types.VirtualDisk); ok {
			kb += disk.CapacityInKB
		}
	}
	return kb
}

func (vm *VM) poweredOn() bool {
	return vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
}

// localMigration plans a relocation inside this vCenter.
func (vm *VM) localMigration(spec types.VirtualMachineRelocateSpec) (*migration, *simError) {
	p, err := vm.resolve(spec)
	if err != nil {
		return nil, err
	}
	src, srcDS := vm.currentHost(), vm.currentDatastore()
	hostMove, dsMove := p.host.Self != src.Self, p.ds.Self != srcDS.Self
	m := &migration{vm: vm.Name, hostCost: map[string]int{}, dsCost: map[string]int{}}
	if hostMove && vm.poweredOn() {
		m.dataMbit += memoryMbit(int64(vm.Config.Hardware.MemoryMB))
	}
	if dsMove {
		m.dataMbit += diskMbit(vm.diskKB())
	}
	switch {
	case hostMove && dsMove:
		m.kind = "vmotion+storage"
		m.hostCost[src.Name], m.hostCost[p.host.Name] = hostCostStorage, hostCostStorage
		m.dsCost[srcDS.Name], m.dsCost[p.ds.Name] = dsCostStorage, dsCostStorage
	case dsMove:
		m.kind = "storage-vmotion"
		m.hostCost[src.Name] = hostCostStorage
		m.dsCost[srcDS.Name], m.dsCost[p.ds.Name] = dsCostStorage, dsCostStorage
	default:
		m.kind = "vmotion"
		m.hostCost[src.Name], m.hostCost[p.host.Name] = hostCostVmotion, hostCostVmotion
		m.dsCost[srcDS.Name] = dsCostVmotion
	}
	srcSite, dstSite := vm.w.siteOf(src), vm.w.siteOf(p.host)
	wan, lan := vm.w.sched.links()
	m.link, m.linkKey, m.path = lan, "lan:"+srcSite, plainPath
	if srcSite != dstSite {
		m.link, m.linkKey = wan, "wan:"+pairKey(srcSite, dstSite)
		if vm.w.gatewayRouted(src) && vm.w.gatewayRouted(p.host) {
			m.path = isessionPath
		}
	}
	m.commit = func() *simError { return vm.commitLocal(p, spec.DeviceChange) }
	if hostMove && vm.poweredOn() {
		for _, h := range []*simulator.HostSystem{src, p.host} {
			if !vm.w.migrateEnabled(h) {
				return nil, newError(&types.MigrationDisabled{}, "vMotion of %s is disabled on host %s (Migrate.Enabled = 0)", vm.Name, h.Name)
			}
		}
	}
	if !mounted(p.ds, p.host.Self) {
		m.dataMbit = 0
		m.commit = func() *simError {
			return invalidArgument("spec.datastore", "host %s has no access to datastore %s", p.host.Name, p.ds.Name)
		}
	}
	return m, nil
}

// migrateEnabled reads the host's Migrate.Enabled advanced option.
func (w *world) migrateEnabled(h *simulator.HostSystem) bool {
	hs := w.hosts[h.Self.Value]
	if hs == nil {
		return true
	}
	var v interface{}
	simulator.Map.WithLock(hs.opts, func() { v = hs.opts.value("Migrate.Enabled") })
	return v != int64(0)
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "-" + b
}

func (w *world) siteOf(h *simulator.HostSystem) string {
	if hs := w.hosts[h.Self.Value]; hs != nil {
		return hs.site
	}
	return datacenterOf(h).Name
}

// gatewayRouted: the host's vMotion vmknic routes through its own gateway (the per-vmknic
// override or a gateway on the vmotion TCP/IP stack), i.e. site.yml pointed it at the BIG-IP.
func (w *world) gatewayRouted(h *simulator.HostSystem) bool {
	hs := w.hosts[h.Self.Value]
	if hs == nil {
		return false
	}
	var routed bool
	hs.hn.locked(func() { routed = vnicRouted(hs.hn.info(), hs.hn.vmotionVnic()) })
	return routed
}

func vnicRouted(info *types.HostNetworkInfo, v *types.HostVirtualNic) bool {
	if v == nil {
		return false
	}
	if rs := v.Spec.IpRouteSpec; rs != nil && rs.IpRouteConfig != nil && rs.IpRouteConfig.GetHostIpRouteConfig().DefaultGateway != "" {
		return true
	}
	if v.Spec.NetStackInstanceKey == stackVmotion {
		for _, st := range info.NetStackInstance {
			if st.Key == stackVmotion && st.IpRouteConfig != nil && st.IpRouteConfig.GetHostIpRouteConfig().DefaultGateway != "" {
				return true
			}
		}
	}
	return false
}

// commitLocal applies the placement when the modelled transfer has finished.
func (vm *VM) commitLocal(p *placement, deviceChange []types.BaseVirtualDeviceConfigSpec) *simError {
	var err *simError
	simulator.Map.WithLock(vm, func() {
		if !mounted(p.ds, p.host.Self) {
			err = invalidArgument("spec.datastore", "host %s has no access to datastore %s", p.host.Name, p.ds.Name)
			return
		}
		var devices []types.BaseVirtualDevice
		devices, err = vm.remapDevices(p, deviceChange)
		if err != nil {
			return
		}
		vm.place(p, devices)
	})
	return err
}

// remapDevices returns the device list after the move: NIC backings by label in the target
// datacenter (deviceChange edits first), disk files on the target datastore.
func (vm *VM) remapDevices(p *placement, deviceChange []types.BaseVirtualDeviceConfigSpec) ([]types.BaseVirtualDevice, *simError) {
	edits := map[int32]types.BaseVirtualDevice{}
	for _, c := range deviceChange {
		spec := c.GetVirtualDeviceConfigSpec()
		if spec.Operation != types.VirtualDeviceConfigSpecOperationEdit {
			return nil, invalidArgument("spec.deviceChange", "%s: only edit operations are supported in a relocate, got %q", vm.Name, spec.Operation)
		}
		if _, ok := spec.Device.(types.BaseVirtualEthernetCard); !ok {
			return nil, invalidArgument("spec.deviceChange", "%s: only network adapters can be edited in a relocate, got %T", vm.Name, spec.Device)
		}
		edits[spec.Device.GetVirtualDevice().Key] = spec.Device
	}
	var out []types.BaseVirtualDevice
	for _, d := range vm.Config.Hardware.Device {
		switch dev := d.(type) {
		case types.BaseVirtualEthernetCard:
			card := dev.GetVirtualEthernetCard()
			backing := card.Backing
			if e, ok := edits[card.Key]; ok {
				backing = e.GetVirtualDevice().Backing
				delete(edits, card.Key)
			}
			nb, err := networkIn(p.dc, backing, vm.Name)
			if err != nil {
				return nil, err
			}
			copied := *card
			copied.Backing = nb
			out = append(out, setCard(d, copied))
		case *types.VirtualDisk:
			disk := *dev
			if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
				nb := *b
				nb.FileName = moveFile(b.FileName, p.ds.Name)
				ref := p.ds.Self
				nb.Datastore = &ref
				disk.Backing = &nb
			}
			out = append(out, &disk)
		default:
			out = append(out, d)
		}
	}
	for key := range edits {
		return nil, invalidArgument("spec.deviceChange", "%s: device key %d is not a network adapter of the VM", vm.Name, key)
	}
	return out, nil
}

// setCard stores an edited VirtualEthernetCard back into its concrete adapter type.
func setCard(d types.BaseVirtualDevice, card types.VirtualEthernetCard) types.BaseVirtualDevice {
	switch c := d.(type) {
	case *types.VirtualVmxnet3:
		n := *c
		n.VirtualEthernetCard = card
		return &n
	case *types.VirtualE1000:
		n := *c
		n.VirtualEthernetCard = card
		return &n
	case *types.VirtualE1000e:
		n := *c
		n.VirtualEthernetCard = card
		return &n
	case *types.VirtualVmxnet2:
		n := *c
		n.VirtualEthernetCard = card
		return &n
	}
	return d
}

func moveFile(name, ds string) string {
	if i := strings.Index(name, "] "); strings.HasPrefix(name, "[") && i > 0 {
		return "[" + ds + "] " + name[i+2:]
	}
	return name
}

// networkIn resolves a NIC backing to the standard network of the same label in dc.
func networkIn(dc *simulator.Datacenter, backing types.BaseVirtualDeviceBackingInfo, vmName string) (types.BaseVirtualDeviceBackingInfo, *simError) {
	b, ok := backing.(*types.VirtualEthernetCardNetworkBackingInfo)
	if !ok {
		return nil, invalidArgument("spec.deviceChange", "%s: only standard port group backings are supported, got %T", vmName, backing)
	}
	label := b.DeviceName
	if b.Network != nil {
		if n, ok := simulator.Map.Get(*b.Network).(*mo.Network); ok {
			if simulator.FindReference(dc.Network, n.Self) != nil {
				label = n.Name
			} else if label == "" {
				label = n.Name
			}
		}
	}
	for _, ref := range dc.Network {
		if n, ok := simulator.Map.Get(ref).(*mo.Network); ok && n.Name == label {
			r := ref
			nb := *b
			nb.DeviceName, nb.Network = label, &r
			return &nb, nil
		}
	}
	return nil, newError(&types.NotFound{}, "%s: port group %q not found in datacenter %s", vmName, label, dc.Name)
}

// place moves the VM to p (caller holds the VM lock) and keeps every back-reference consistent.
func (vm *VM) place(p *placement, devices []types.BaseVirtualDevice) {
	oldHost, oldDS := vm.currentHost(), vm.currentDatastore()
	oldPool, oldFolder := *vm.ResourcePool, *vm.Parent
	simulator.Map.RemoveReference(oldHost, &oldHost.Vm, vm.Self)
	simulator.Map.AddReference(p.host, &p.host.Vm, vm.Self)
	simulator.Map.RemoveReference(oldDS, &oldDS.Vm, vm.Self)
	simulator.Map.AddReference(p.ds, &p.ds.Vm, vm.Self)
	if pool, ok := simulator.Map.Get(oldPool).(*simulator.ResourcePool); ok {
		simulator.Map.RemoveReference(pool, &pool.Vm, vm.Self)
	}
	newPool := p.pool.(*simulator.ResourcePool)
	simulator.Map.AddReference(newPool, &newPool.Vm, vm.Self)
	if oldFolder != p.folder.Self {
		if f, ok := simulator.Map.Get(oldFolder).(*simulator.Folder); ok {
			simulator.Map.RemoveReference(f, &f.ChildEntity, vm.Self)
		}
		simulator.Map.AddReference(p.folder, &p.folder.ChildEntity, vm.Self)
	}
	var nets []types.ManagedObjectReference
	for _, d := range devices {
		if c, ok := d.(types.BaseVirtualEthernetCard); ok {
			if b, ok := c.GetVirtualEthernetCard().Backing.(*types.VirtualEthernetCardNetworkBackingInfo); ok && b.Network != nil {
				nets = append(nets, *b.Network)
			}
		}
	}
	files := vm.Config.Files
	files.VmPathName = moveFile(files.VmPathName, p.ds.Name)
	files.LogDirectory = moveFile(files.LogDirectory, p.ds.Name)
	files.SnapshotDirectory = moveFile(files.SnapshotDirectory, p.ds.Name)
	files.SuspendDirectory = moveFile(files.SuspendDirectory, p.ds.Name)
	host, pool, folder := p.host.Self, newPool.Self, p.folder.Self
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "runtime.host", Val: &host},
		{Name: "summary.runtime.host", Val: &host},
		{Name: "datastore", Val: []types.ManagedObjectReference{p.ds.Self}},
		{Name: "resourcePool", Val: &pool},
		{Name: "parent", Val: &folder},
		{Name: "network", Val: nets},
		{Name: "config.hardware.device", Val: devices},
		{Name: "config.files", Val: files},
		{Name: "summary.config.vmPathName", Val: files.VmPathName},
	})
}

// describe is the admin dump row of a VM.
func (vm *VM) describe() map[string]interface{} {
	folder := ""
	if f, ok := simulator.Map.Get(*vm.Parent).(*simulator.Folder); ok {
		folder = f.Name
	}
	var ds []string
	for _, r := range vm.Datastore {
		if d, ok := simulator.Map.Get(r).(*simulator.Datastore); ok {
			ds = append(ds, d.Name)
		}
	}
	var nets []string
	for _, d := range vm.Config.Hardware.Device {
		if c, ok := d.(types.BaseVirtualEthernetCard); ok {
			nets = append(nets, c.GetVirtualEthernetCard().Backing.(types.BaseVirtualDeviceDeviceBackingInfo).GetVirtualDeviceDeviceBackingInfo().DeviceName)
		}
	}
	return map[string]interface{}{
		"moid": vm.Self.Value, "name": vm.Name, "host": vm.currentHost().Name, "datastores": ds,
		"datacenter": datacenterOf(vm.currentHost()).Name, "folder": folder, "resource_pool": vm.ResourcePool.Value,
		"power_state": string(vm.Runtime.PowerState), "uuid": vm.Config.Uuid, "instance_uuid": vm.Config.InstanceUuid,
		"memory_mb": vm.Config.Hardware.MemoryMB, "disk_kb": vm.diskKB(), "networks": nets,
	}
}

func (vm *VM) String() string { return fmt.Sprintf("VM %s (%s)", vm.Name, vm.Self.Value) }
