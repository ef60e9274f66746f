package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKBlocks calls the SDK's Blocks methods and
// Pages.getBlocksByPageUrl against the demo shop; see js/blocks.mjs.
func TestOfficialSDKBlocks(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop())
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "blocks.mjs")
}
