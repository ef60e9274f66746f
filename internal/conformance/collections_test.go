package conformance

import (
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// collectionsProject is what js/collections.mjs runs against: a private
// wishlist over form wish and a public faq over form faq_form.
const collectionsProject = `{
  "forms": [
    {"identifier": "wish", "type": "collection", "title": {"en_US": "Wish"}, "attributes": [
      {"marker": "product_id", "type": "integer", "isRequired": true, "title": {"en_US": "Product"}},
      {"marker": "note", "type": "string", "title": {"en_US": "Note"}}]},
    {"identifier": "faq_form", "type": "collection", "title": {"en_US": "Question"}, "attributes": [
      {"marker": "question", "type": "string", "isRequired": true, "title": {"en_US": "Question"}}]}
  ],
  "integrationCollections": [
    {"identifier": "wishlist", "formIdentifier": "wish", "title": {"en_US": "Wishlist", "fr_FR": "Envies"},
     "selectedAttributeMarkers": ["product_id", "note"]},
    {"identifier": "faq", "formIdentifier": "faq_form", "title": {"en_US": "FAQ"}, "rowsPublic": true}
  ],
  "paymentAccounts": [], "orderStorages": [], "authProviders": [], "products": [], "users": []
}`

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
