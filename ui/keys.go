package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the workstation. It is the only place keys
// are named: screens match against it and the help bar is generated from it.
type KeyMap struct {
	// Everywhere.
	Quit      key.Binding
	ForceQuit key.Binding
	Lock      key.Binding // lock the session now (ui.Session)
	Help      key.Binding
	Back      key.Binding
	// Open the subject search (f when not typing, ctrl+f anywhere) and the
	// sync screen.
	SubjectSearch key.Binding
	SyncScreen    key.Binding
	// The query log (auditors and supervisors) and its filter.
	QueryLog  key.Binding
	FilterLog key.Binding
	// Copy the ID on screen (a subject's, a case's) to the clipboard.
	CopyID key.Binding

	// Moving in lists and pages.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding

	// Case queue.
	Find         key.Binding // start the incremental filter
	FindKeep     key.Binding // keep the filter and leave the input
	FindClear    key.Binding // clear the filter and leave the input
	Mine         key.Binding
	Unassigned   key.Binding
	StatusFilter key.Binding
	Overdue      key.Binding
	Verification key.Binding
	ClearFilters key.Binding
	SortColumn   key.Binding // 1–7: sort by that column; again flips
	SortReverse  key.Binding

	// Case view.
	AddNote      key.Binding
	ChangeStatus key.Binding
	Assign       key.Binding
	SetPriority  key.Binding
	SetDue       key.Binding // supervisors: set or clear the due date
	Resolve      key.Binding // supervisors: settle a case in conflict
	OpenSubject  key.Binding // the case's selected subject
	NextSubject  key.Binding // select the case's next subject

	// Subject search and subject view.
	Purpose  key.Binding // state or change the purpose of searches
	OpenHit  key.Binding
	NewCase  key.Binding
	OpenCase key.Binding

	// Encounters, fingerprint searches and the side-by-side review (shown
	// only when the desk has an identification service).
	Encounters    key.Binding // from the queue: the encounters list
	Import        key.Binding // on the encounters list: import files
	RunImport     key.Binding // in the import dialog: read the files
	ReviewPrints  key.Binding // from a case with an encounter: search and review
	OpenCandidate key.Binding
	Identify      key.Binding // on the encounters list: search the selected one
	NextCandidate key.Binding
	PrevCandidate key.Binding
	NextFinger    key.Binding
	PrevFinger    key.Binding
	Decide        key.Binding
	Toggle        key.Binding // flip a yes/no field

	// The agreement's exchange.
	RequestCoreData key.Binding // on a partner hit: ask its owner for core data
	Requests        key.Binding // from the queue: the follow-up requests
	Approve         key.Binding // on an incoming request: disclose core data
	Decline         key.Binding // on an incoming request: decline with a reason

	// Dialogs and editors.
	Confirm    key.Binding
	ChooseUp   key.Binding // in a dialog with a text field: the arrows only
	ChooseDown key.Binding
	Save       key.Binding
	Cancel     key.Binding
	NextField  key.Binding
	PrevField  key.Binding
	Left       key.Binding
	Right      key.Binding
}

// DefaultKeyMap returns the workstation's key bindings.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, helpKey, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, desc))
	}
	return &KeyMap{
		Quit:      b([]string{"q"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Lock:      b([]string{"ctrl+l"}, "ctrl+l", "lock"),
		Help:      b([]string{"?"}, "?", "help"),
		Back:      b([]string{"esc"}, "esc", "back"),

		SubjectSearch: b([]string{"f", "ctrl+f"}, "f", "find subject"),
		SyncScreen:    b([]string{"y"}, "y", "sync"),
		QueryLog:      b([]string{"L"}, "L", "query log"),
		FilterLog:     b([]string{"/"}, "/", "filter"),
		CopyID:        b([]string{"i"}, "i", "copy ID"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "space"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g", "top"),
		Bottom:   b([]string{"end", "G"}, "G", "bottom"),
		Open:     b([]string{"enter"}, "enter", "open case"),

		Find:         b([]string{"/"}, "/", "find id or title"),
		FindKeep:     b([]string{"enter"}, "enter", "keep filter"),
		FindClear:    b([]string{"esc"}, "esc", "clear filter"),
		Mine:         b([]string{"m"}, "m", "mine"),
		Unassigned:   b([]string{"u"}, "u", "unassigned"),
		StatusFilter: b([]string{"s"}, "s", "status filter"),
		Overdue:      b([]string{"o"}, "o", "overdue"),
		Verification: b([]string{"w"}, "w", "awaiting verification"),
		ClearFilters: b([]string{"x"}, "x", "clear filters"),
		SortColumn:   b([]string{"1", "2", "3", "4", "5", "6", "7"}, "1-7", "sort by column"),
		SortReverse:  b([]string{"r"}, "r", "reverse sort"),

		AddNote:      b([]string{"n"}, "n", "add note"),
		ChangeStatus: b([]string{"t"}, "t", "change status"),
		Assign:       b([]string{"a"}, "a", "assign"),
		SetPriority:  b([]string{"p"}, "p", "priority"),
		SetDue:       b([]string{"D"}, "D", "due date"),
		Resolve:      b([]string{"R"}, "R", "resolve conflict"),
		OpenSubject:  b([]string{"enter"}, "enter", "open subject"),
		NextSubject:  b([]string{"tab"}, "tab", "next subject"),

		Purpose:  b([]string{"ctrl+p"}, "ctrl+p", "purpose"),
		OpenHit:  b([]string{"enter"}, "enter", "open subject"),
		NewCase:  b([]string{"c"}, "c", "new case"),
		OpenCase: b([]string{"enter"}, "enter", "open case"),

		Encounters:    b([]string{"e"}, "e", "encounters"),
		Import:        b([]string{"i"}, "i", "import files"),
		RunImport:     b([]string{"enter"}, "enter", "import"),
		ReviewPrints:  b([]string{"v"}, "v", "review prints"),
		OpenCandidate: b([]string{"enter"}, "enter", "side by side"),
		Identify:      b([]string{"enter"}, "enter", "search prints"),
		NextCandidate: b([]string{"]", "pgdown"}, "]/pgdn", "next candidate"),
		PrevCandidate: b([]string{"[", "pgup"}, "[/pgup", "previous candidate"),
		NextFinger:    b([]string{"right", "l", "tab"}, "→/tab", "next finger"),
		PrevFinger:    b([]string{"left", "h", "shift+tab"}, "←", "previous finger"),
		Decide:        b([]string{"d"}, "d", "decide"),
		Toggle:        b([]string{"ctrl+t"}, "ctrl+t", "encounter/subject"),

		RequestCoreData: b([]string{"c"}, "c", "request core data"),
		Requests:        b([]string{"F"}, "F", "follow-up requests"),
		Approve:         b([]string{"a"}, "a", "approve"),
		Decline:         b([]string{"d"}, "d", "decline"),

		Confirm:    b([]string{"enter"}, "enter", "choose"),
		ChooseUp:   b([]string{"up"}, "↑", "up"),
		ChooseDown: b([]string{"down"}, "↓", "down"),
		Save:       b([]string{"ctrl+s"}, "ctrl+s", "save"),
		Cancel:     b([]string{"esc"}, "esc", "cancel"),
		NextField:  b([]string{"tab"}, "tab", "next field"),
		PrevField:  b([]string{"shift+tab"}, "shift+tab", "previous field"),
		Left:       b([]string{"left", "h"}, "←/→", "change"),
		Right:      b([]string{"right", "l"}, "←/→", "change"),
	}
}
