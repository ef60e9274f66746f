package httpapi

import (
	"encoding/json"

	"github.com/openentry/openentry"
)

// wireLocale is the SDK's ILocalEntity (LocaleEntitySchema).
type wireLocale struct {
	ID         int64   `json:"id"`
	ShortCode  string  `json:"shortCode"`
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	NativeName string  `json:"nativeName"`
	IsActive   bool    `json:"isActive"`
	Image      *string `json:"image"`
	Position   int64   `json:"position"`
}

func toWireLocale(l *openentry.Locale) wireLocale {
	w := wireLocale{ID: l.ID, ShortCode: l.ShortCode, Code: l.Code, Name: l.Name, NativeName: l.NativeName,
		IsActive: true, Position: l.Position}
	if l.Image != "" {
		w.Image = &l.Image
	}
	return w
}

// wireMenu is the SDK's IMenusEntity (MenuEntitySchema).
type wireMenu struct {
	ID            int64           `json:"id"`
	Identifier    string          `json:"identifier"`
	LocalizeInfos json.RawMessage `json:"localizeInfos"`
	Pages         []wireMenuPage  `json:"pages"`
}

// wireMenuPage is the SDK's IMenusPages: the page's own localizeInfos
// (title, menuTitle …) and values, nested by parentId (a page id), flat as
// OneEntry's shop template reads it.
type wireMenuPage struct {
	ID              int64                    `json:"id"`
	PageURL         string                   `json:"pageUrl"`
	LocalizeInfos   json.RawMessage          `json:"localizeInfos"`
	AttributeValues map[string]wirePageValue `json:"attributeValues"`
	Position        int64                    `json:"position"`
	ParentID        *int64                   `json:"parentId"`
}

// toWireMenu shapes a menu in lang, its pages' file values linking under
// base (linkBase).
func toWireMenu(m *openentry.Menu, lang, base string) wireMenu {
	w := wireMenu{ID: m.ID, Identifier: m.Identifier, LocalizeInfos: m.LocalizeInfos.Resolve(lang),
		Pages: make([]wireMenuPage, 0, len(m.Pages))}
	for i := range m.Pages {
		it := &m.Pages[i]
		p := wireMenuPage{ID: it.Page.ID, PageURL: it.Page.PageURL, LocalizeInfos: it.Page.LocalizeInfos.Resolve(lang),
			AttributeValues: pageValues(&it.Page, lang, base), Position: it.Position}
		if it.ParentID != 0 {
			p.ParentID = &it.ParentID
		}
		w.Pages = append(w.Pages, p)
	}
	return w
}
