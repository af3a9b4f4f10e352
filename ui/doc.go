// Package ui is the liaison officer's terminal workstation: the case queue,
// the case view and the dialogs that change a case, drawn with Bubble Tea v2,
// Bubbles v2 and Lip Gloss v2.
//
// It talks to the desk only through the domain's interfaces (cases.Store and
// a sync-state function) and must not import package store (its tests do, to
// run against a real file); it never touches SQL, files or the network, and
// reads time only from Config.Clock.
//
// # Architecture
//
// One root Model owns the terminal: its size, the theme, focus, the frame
// (header, message line, status bar, help bar) and a stack of screens. The
// queue is the bottom of the stack; Enter pushes a case view; the case view
// pushes dialogs (note editor, status picker, decision form, assignment and
// priority pickers). Esc pops.
//
// A screen is anything that implements Screen:
//
//	type Screen interface {
//		Title() string                   // its name in the header path
//		Init() tea.Cmd                   // run once when pushed
//		SetSize(width, height int)       // the cells it draws into, before Init and on every change
//		Update(msg tea.Msg) tea.Cmd      // handle a message
//		View() string                    // draw; it changes nothing
//		Help() ([]key.Binding, [][]key.Binding) // short and full help
//		Capturing() bool                 // taking text: q types, does not quit
//	}
//
// Key presses, pastes and mouse events go to the top screen only (mouse Y is made
// relative to the body, so row 0 is the first line under the header); every
// other message (data loaded, a case changed, a tick) goes to every screen on
// the stack, and each ignores what is not its own. Screens change the stack
// and the message line by returning commands that yield pushMsg, popMsg,
// replaceMsg and noticeMsg; changes to the store are made in commands that
// yield changedMsg, after which the root reloads the status bar and every
// screen reloads what it shows. A screen that also implements the dialog
// interface is drawn over the screen beneath it instead of replacing it.
//
// From anywhere (when not typing) f opens the subject search (search.go)
// and y the sync screen (syncview.go). The search asks the session's purpose
// once (a dialog, changeable with ctrl+p), searches 250 ms after the last
// keypress in a command (tea.Tick with a sequence number; the search in
// flight is cancelled and a result for an older query is dropped), and
// opens the subject view (subject.go), from which a case opens or is
// created.
//
// The loop is pure: Update and SetSize settle every state; View only draws
// (the queue draws its frame at the end of Update and View returns it).
// Every read of the store, of Config.Sync and of Config.Changed runs in a
// command and comes back as a message. Nothing is polled: the root waits in
// a command for Config.Changes (the caller signals it after each sync round
// and when demo data arrives), then reads the sync state and what changed
// since the generation it last saw (cases.Changes); when something did (the
// exchange applied the partner's events), every screen gets reloadMsg with
// the changes and reads again only what it shows of them, keeping the
// officer's place (the queue reads the changed cases by ID and draws again
// only their rows; an open case reloads when it, or a subject it names,
// changed). Opening a case or subject already on the stack goes back to it
// (recordScreen). The timers of an idle workstation are the minute tick, on the
// minute, for ages and overdue marks, and the idle lock's check (Session,
// every 15 s); the renderer compares the frame frameRate times a
// second and writes only what changed. A frame whose body and help bar did
// not change reuses their drawing (Model.fitBody, the short help kept by its
// bindings). docs/architecture.md, "Idle CPU", has the figures.
//
// Every list (the queue, encounters, candidates, search results, follow-up
// requests, the query log) moves through one component, listNav (list.go):
// cursor, paging, wheel, click, following the cursor, and one placeholder
// for loading, errors and empty lists; its text filter folds accents, case
// and punctuation as the name engine does (cases/names.Fold). The case,
// subject and sync screens scroll as one scrollPage (page.go).
//
// When Config.Identify is set, e on the queue opens the encounters list
// (encounters.go: Enter searches an encounter's prints, i imports
// interchange files), and v on a case with an encounter runs the same
// search. The search (identify.go) states the session's purpose (the one
// the subject search asks, kept on the app), runs in a command with a
// spinner and lists the candidates by band; Enter opens the side-by-side
// review (review.go): the probe's and the candidate's minutiae on braille
// canvases (braille.go), paired minutiae labelled alike on both, the
// per-finger scores and both identities compared field by field. d records
// a decision with the decision form, on the case the review came from, the
// encounter's case, or a case opened for it. Without Config.Identify none
// of this is shown.
//
// A later screen plugs in the same way: it implements Screen over the
// shared *app (store, officer, clock, the one KeyMap, the one Styles) and
// is pushed.
//
// There is one KeyMap (keys.go), feeding the help bar; one Styles sheet per
// theme (styles.go) built from one palette (palette.go).
package ui
