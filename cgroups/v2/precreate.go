package v2

// Precreate creates the cgroup and enables its controllers without moving
// a process into it (cgroups.Precreator); Apply(pid) afterwards only joins.
func (m *Manager) Precreate() error { return m.Apply(-1) }
