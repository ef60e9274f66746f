package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKEvents calls the SDK's Events methods against the demo
// shop; see js/events.mjs.
func TestOfficialSDKEvents(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop())
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "events.mjs")
}
