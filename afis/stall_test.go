package afis_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/afis"
	"github.com/enlace-desk/enlace/assets/demo"
	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

// TestGalleryBuildNeverBlocksTheStore holds a gallery build of thousands of
// ten-print subjects in its middle and, meanwhile, saves a subject and runs
// a name search: both finish while the build is still under way (before,
// the store's writer waited for the build). Once the build is released, the
// gallery catches up with the save. The times are logged, not asserted.
func TestGalleryBuildNeverBlocksTheStore(t *testing.T) {
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "enlace.db"), store.Options{Clock: cases.NewManualClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const printed = 2000
	if err := demo.Populate(ctx, st, demo.Options{Subjects: printed, Prints: printed, Now: epoch}); err != nil {
		t.Fatal(err)
	}
	desk := afis.New(st)
	inBuild, release := make(chan struct{}), make(chan struct{})
	afis.SetBuildHook(desk, func() {
		close(inBuild)
		<-release
	})
	built := make(chan error, 1)
	go func() {
		_, err := desk.Gallery(ctx)
		built <- err
	}()
	<-inBuild

	// The build has read 100 subjects of 2,000 and waits: a save and a
	// search must not wait for it.
	done := make(chan struct{})
	sub, fingers := printedSubject(t, 4242, "Durante")
	var saveTook, searchTook time.Duration
	var saveErr, searchErr error
	var hits *cases.SearchResult
	go func() {
		defer close(done)
		start := time.Now()
		saveErr = st.SaveSubject(ctx, officer, sub)
		saveTook = time.Since(start)
		start = time.Now()
		hits, searchErr = st.SearchSubjects(ctx, officer, cases.SubjectQuery{Text: "Durante Prueba", Purpose: cases.PurposeBorder})
		searchTook = time.Since(start)
	}()
	select {
	case <-done:
	case err := <-built:
		t.Fatalf("the build ended (%v) before the save and the search: the test proves nothing", err)
	case <-time.After(time.Minute):
		t.Fatal("a save and a name search are still waiting, a minute into a held gallery build")
	}
	if saveErr != nil || searchErr != nil {
		t.Fatalf("save: %v; search: %v", saveErr, searchErr)
	}
	if len(hits.Hits) == 0 || hits.Hits[0].Subject.ID != sub.ID {
		t.Errorf("the name search during the build does not find the subject just saved first")
	}
	t.Logf("during a build of %d ten-print subjects: save %v, name search %v", printed, saveTook, searchTook)
	close(release)
	if err := <-built; err != nil {
		t.Fatal(err)
	}

	// The gallery catches up with the subject saved during the build.
	afis.SetBuildHook(desk, nil)
	g, err := desk.Gallery(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != printed+1 {
		t.Errorf("gallery holds %d subjects, want %d (the one saved during the build included)", g.Len(), printed+1)
	}
	encID := encounter(t, st, fingers, 7, 2, 7)
	res, err := desk.Identify(ctx, officer, encID, cases.PurposeBorder, "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) == 0 || res.Candidates[0].SubjectID != sub.ID {
		t.Errorf("the subject saved during the build is not rank 1 after the gallery caught up")
	}
}
