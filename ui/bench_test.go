package ui

import (
	"testing"
	"time"
)

// BenchmarkQueueFrame times one frame of the queue at 120×40 with 100,000
// cases after the cursor moves, the officer's most common action.
func BenchmarkQueueFrame(b *testing.B) {
	q, _ := syntheticQueue(b, 100_000)
	q.SetSize(120, 40)
	down := keyPress("down")
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if q.nav.cursor == len(q.view)-1 {
			q.nav.reset()
		}
		q.Update(down)
		_ = q.View()
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/frame")
}

// BenchmarkRootFrame times a whole frame (header, queue, status and help
// bars) with 100,000 cases, as the program draws it.
func BenchmarkRootFrame(b *testing.B) {
	q, m := syntheticRoot(b)
	down := keyPress("down")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if q.nav.cursor == len(q.view)-1 {
			q.nav.reset()
		}
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkQueueFilterKeystroke times the incremental filter over 100,000
// cases: one typed letter, then a frame.
func BenchmarkQueueFilterKeystroke(b *testing.B) {
	q, _ := syntheticQueue(b, 100_000)
	q.order(q.sortCol, q.desc)
	q.SetSize(120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q.setText("")
		q.setText("g")
		q.setText("ga")
		q.redraw()
		_ = q.View()
	}
}

// BenchmarkQueueSortChange times re-sorting 100,000 cases by another column
// (indexes rebuilt from scratch) and drawing the frame.
func BenchmarkQueueSortChange(b *testing.B) {
	q, _ := syntheticQueue(b, 100_000)
	q.SetSize(120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q.invalidate()
		q.sortCol = column(i % int(numColumns))
		q.refilter(false)
		q.redraw()
		_ = q.View()
	}
}

// BenchmarkRootFrameUnchanged times a whole frame when nothing on screen
// changed (a sync round, the idle check): what every such message costs.
func BenchmarkRootFrameUnchanged(b *testing.B) {
	_, m := syntheticRoot(b)
	m.Update(stateMsg{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(stateMsg{})
		_ = m.View()
	}
}

// syntheticRoot is the whole workstation at 120×40 over a queue of 100,000
// generated cases.
func syntheticRoot(b *testing.B) (*queue, *Model) {
	q, a := syntheticQueue(b, 100_000)
	m := &Model{app: a, stack: []Screen{q}, width: 120, height: 40}
	m.help.Styles = a.styles.Help
	m.help.SetWidth(120)
	m.resize()
	return q, m
}
