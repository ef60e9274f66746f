package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestAdminDashboardInChromium drives the dashboard in headless Chromium
// next to the official SDK; see js/admin.e2e.mjs. To refresh the README's
// screenshots, run from the repository root
//
//	OPENENTRY_SCREENSHOTS=$PWD/docs go test ./internal/conformance -run AdminDashboardInChromium
func TestAdminDashboardInChromium(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%v: install Debian's chromium package (apt-get install -y chromium)", err)
	}
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop())
	srv.Staff(t, "olga@shop.test", "owner")
	shots := os.Getenv("OPENENTRY_SCREENSHOTS")
	if shots != "" {
		abs, err := filepath.Abs(shots)
		if err != nil {
			t.Fatal(err)
		}
		shots = abs
	}
	runNodeEnv(t, node, srv.BaseURL, []string{
		"OPENENTRY_CHROMIUM=" + chromiumPath,
		"OPENENTRY_OWNER_EMAIL=olga@shop.test",
		"OPENENTRY_OWNER_PASSWORD=" + apptest.StaffPassword,
		"OPENENTRY_SCREENSHOTS=" + shots,
	}, "--test", "--test-reporter=spec", "admin.e2e.mjs")
}
