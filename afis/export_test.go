package afis

// SetBuildHook makes the desk's next gallery builds call hook after they
// have read 100 subjects, so a test can act while a build is under way.
func SetBuildHook(d *Desk, hook func()) { d.buildHook = hook }
