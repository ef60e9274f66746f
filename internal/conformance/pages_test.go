package conformance

import (
	"encoding/json"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKPages calls the SDK's Pages methods, with the template's
// call shapes, against a project holding the pages the template reads
// (pagesProject); see js/pages.mjs.
func TestOfficialSDKPages(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithProject(pagesProject()))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "pages.mjs")
}

// pagesProject holds what OneEntry's e-commerce template reads of pages,
// in en_US and fr_FR: shop, category with children carrying opengraph_image,
// catalog_filters, home_web, profile and payment on template withSidebar,
// 404; and a hidden category, which the SDK must never see.
func pagesProject() *openentry.Project {
	infos := func(en, fr string) map[string]json.RawMessage {
		out := map[string]json.RawMessage{}
		for lang, title := range map[string]string{"en_US": en, "fr_FR": fr} {
			out[lang], _ = json.Marshal(map[string]string{"title": title, "menuTitle": title, "htmlContent": "", "plainContent": ""})
		}
		return out
	}
	str := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	image := func(name string) json.RawMessage {
		return json.RawMessage(`{"downloadLink": "https://cdn.example/` + name + `.png", "previewLink": "https://cdn.example/` + name + `-preview.png"}`)
	}
	title := func(s string) map[string]string { return map[string]string{"en_US": s} }
	category := func(url, en, fr string) openentry.ProjectPage {
		return openentry.ProjectPage{PageURL: url, ParentURL: "category", Type: openentry.PageTypeCatalog, LocalizeInfos: infos(en, fr),
			AttributeSetIdentifier: "conformance_page", AttributeValues: openentry.AttributeValues{"en_US": {"opengraph_image": image(url)}}}
	}
	secret := category("secret", "Secret", "Secret")
	secret.Hidden = true
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "conformance_page", Type: "forPages", Title: title("Page"),
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "opengraph_image", Type: "image", Title: title("Sharing image")},
				{Marker: "error_description", Type: "text", Title: title("Error description")},
				{Marker: "price_filter", Type: "string", Title: title("Price")},
				{Marker: "color_filter", Type: "string", Title: title("Colour")},
				{Marker: "availability_filter", Type: "string", Title: title("Availability")},
			}}},
		Pages: []openentry.ProjectPage{
			{PageURL: "home_web", LocalizeInfos: infos("Home", "Accueil")},
			{PageURL: "shop", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Shop", "Boutique"),
				Config: map[string]int64{"rowsPerPage": 2, "productsPerRow": 5}},
			{PageURL: "category", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Categories", "Catégories")},
			category("furniture", "Furniture", "Meubles"),
			category("lighting", "Lighting", "Éclairage"),
			secret,
			{PageURL: "catalog_filters", LocalizeInfos: infos("Filters", "Filtres"), AttributeSetIdentifier: "conformance_page",
				AttributeValues: openentry.AttributeValues{
					"en_US": {"price_filter": str("Price"), "color_filter": str("Colour"), "availability_filter": str("Availability")},
					"fr_FR": {"price_filter": str("Prix"), "color_filter": str("Couleur"), "availability_filter": str("Disponibilité")},
				}},
			{PageURL: "profile", TemplateIdentifier: "withSidebar", LocalizeInfos: infos("Profile", "Profil")},
			{PageURL: "payment", TemplateIdentifier: "withSidebar", LocalizeInfos: infos("Payment", "Paiement")},
			{PageURL: "404", Type: openentry.PageTypeError, LocalizeInfos: infos("Page not found", "Page introuvable"),
				AttributeSetIdentifier: "conformance_page",
				AttributeValues:        openentry.AttributeValues{"en_US": {"error_description": str("The page you are looking for does not exist.")}}},
		},
		Products: []openentry.ProjectProduct{
			{ID: 901, Title: title("Chair"), Price: "40.00", Currency: "USD", Pages: []string{"furniture"}},
			{ID: 902, Title: title("Lamp"), Price: "15.00", Currency: "USD", Pages: []string{"lighting", "furniture"}},
		},
	}
}
