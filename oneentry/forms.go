package oneentry

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// FormsService mirrors the JS module Forms.
type FormsService service

// Form is a form definition: sign-up forms, order checkout forms, data forms.
type Form struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
	// Type is e.g. "order", "data" or "sing_in_up" (the platform's spelling).
	Type           string         `json:"type"`
	LocalizeInfos  LocalizeInfos  `json:"localizeInfos"`
	Version        int64          `json:"version"`
	Position       int64          `json:"position"`
	ProcessingType string         `json:"processingType"`
	Attributes     FormAttributes `json:"attributes"`
}

// FormAttribute is one field of a form.
type FormAttribute struct {
	Marker   string `json:"marker"`
	Type     string `json:"type"`
	Position int64  `json:"position"`
	// IsRequired, IsLogin and IsPassword are false when the server omits them.
	IsRequired    bool          `json:"isRequired"`
	IsLogin       bool          `json:"isLogin"`
	IsPassword    bool          `json:"isPassword"`
	LocalizeInfos LocalizeInfos `json:"localizeInfos"`
}

// FormAttributes is a form's fields in position order. The server sends an
// array or an object keyed by marker; both decode here.
type FormAttributes []FormAttribute

// UnmarshalJSON accepts an array or an object of attributes.
func (a *FormAttributes) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*a = nil
		return nil
	}
	if b[0] != '{' {
		var list []FormAttribute
		if err := decodeJSON(b, &list); err != nil {
			return fmt.Errorf("oneentry: form attributes: %w", err)
		}
		*a = list
		return nil
	}
	var m map[string]json.RawMessage
	if err := decodeJSON(b, &m); err != nil {
		return fmt.Errorf("oneentry: form attributes: %w", err)
	}
	list := make([]FormAttribute, 0, len(m))
	for marker, raw := range m {
		var attr FormAttribute
		if err := decodeJSON(raw, &attr); err != nil {
			return fmt.Errorf("oneentry: form attribute %q: %w", marker, err)
		}
		if attr.Marker == "" {
			attr.Marker = marker
		}
		list = append(list, attr)
	}
	slices.SortFunc(list, func(x, y FormAttribute) int {
		return cmp.Or(cmp.Compare(x.Position, y.Position), cmp.Compare(x.Marker, y.Marker))
	})
	*a = list
	return nil
}

// GetAllForms calls GET /api/content/forms (JS: Forms.getAllForms).
// An empty langCode means the client's; limit <= 0 means 30.
func (s *FormsService) GetAllForms(ctx context.Context, langCode string, offset, limit int) (*List[Form], error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, "/forms?"+query("langCode", s.client.lang(langCode), "offset", off, "limit", lim), nil)
	if err != nil {
		return nil, err
	}
	out := new(List[Form])
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetFormByMarker calls GET /api/content/forms/marker/{marker} (JS: Forms.getFormByMarker).
func (s *FormsService) GetFormByMarker(ctx context.Context, marker, langCode string) (*Form, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/forms/marker/"+url.PathEscape(marker)+"?"+query("langCode", s.client.lang(langCode)), nil)
	if err != nil {
		return nil, err
	}
	out := new(Form)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}
