package conformance

import (
	"context"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKAdmins calls Admins.getAdminsInfo against a shop with
// staff; see js/admins.mjs.
func TestOfficialSDKAdmins(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t))
	for _, s := range []struct{ email, name, role string }{
		{"olga@shop.test", "Olga", "owner"}, {"max@shop.test", "Max", "manager"}, {"sam@shop.test", "Sam", "support"},
	} {
		if _, err := srv.App.CreateStaff(context.Background(), s.email, s.name, s.role, apptest.StaffPassword); err != nil {
			t.Fatal(err)
		}
	}
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "admins.mjs")
}
