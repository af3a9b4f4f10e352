package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/enlace-desk/enlace/cases"
	"github.com/enlace-desk/enlace/store"
)

func TestLoginLogIsAppendOnlyAndReadByAgency(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	clock := cases.NewManualClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(ctx, path, store.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i, r := range []cases.LoginRecord{
		{OfficerID: "ec.mrodriguez", Agency: "EC-PN", Kind: cases.LoginFailed, Via: "enlace search", Detail: "wrong passphrase"},
		{OfficerID: "ec.mrodriguez", Agency: "EC-PN", Kind: cases.LoginSucceeded, Via: "workstation"},
		{OfficerID: "us.jsmith", Agency: "US-CBP", Kind: cases.SessionLocked, Via: "workstation", Detail: "idle"},
	} {
		clock.Advance(time.Minute)
		if err := st.RecordLogin(ctx, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	since, err := st.LoginsSince(ctx, "ec.mrodriguez", clock.Now().Add(-150*time.Second))
	if err != nil || len(since) != 2 || since[0].Kind != cases.LoginFailed || since[1].Kind != cases.LoginSucceeded ||
		since[0].Via != "enlace search" || since[0].Detail != "wrong passphrase" || !since[0].At.Equal(time.Date(2026, 11, 30, 9, 1, 0, 0, time.UTC)) {
		t.Fatalf("LoginsSince: %+v %v", since, err)
	}
	if late, _ := st.LoginsSince(ctx, "ec.mrodriguez", clock.Now().Add(-90*time.Second)); len(late) != 1 {
		t.Errorf("since 90 s ago: %+v", late)
	}
	ec, err := st.LoginLogOf(ctx, "EC-PN", 10)
	if err != nil || len(ec) != 2 || ec[0].Kind != cases.LoginSucceeded {
		t.Fatalf("LoginLogOf EC-PN, newest first: %+v %v", ec, err)
	}
	if all, _ := st.LoginLogOf(ctx, "", 10); len(all) != 3 {
		t.Errorf("every agency: %d", len(all))
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`UPDATE logins SET kind = 'login'`, `DELETE FROM logins`} {
		if _, err := raw.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
}
