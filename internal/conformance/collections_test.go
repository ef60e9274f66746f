package conformance

import (
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// collectionsProject is what js/collections.mjs runs against: a private
// wishlist over form wish and a public faq over form faq_form.
var collectionsProject = apptest.CollectionsProject

// TestOfficialSDKCollections calls all nine IntegrationCollections methods
// of the SDK in strict mode; see js/collections.mjs.
func TestOfficialSDKCollections(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	p, err := openentry.ParseProject([]byte(collectionsProject))
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithProject(p))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "collections.mjs")
}
