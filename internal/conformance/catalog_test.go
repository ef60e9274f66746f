package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKCatalog calls the SDK's AttributesSets and ProductStatuses
// methods and reads product entities (getProductById, getProductsByIds,
// getRelatedProductsById) on a server with apptest.CatalogProject; see
// js/catalog.mjs. It includes the shop template's exact call
// AttributesSets.getSingleAttributeByMarkerSet('product', 'color').
func TestOfficialSDKCatalog(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithProject(apptest.CatalogProject()))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "catalog.mjs")
}
