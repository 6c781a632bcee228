package v1

// Precreate creates the cgroup in every hierarchy without moving a process
// into it (cgroups.Precreator); Apply(pid) afterwards only joins.
func (m *Manager) Precreate() error {
	if err := m.Apply(-1); err != nil {
		return err
	}
	m.made = true
	return nil
}
