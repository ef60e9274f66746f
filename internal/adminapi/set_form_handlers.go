package adminapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Attribute sets and forms: the project file's shapes in (a set attribute's
// hidden as isVisible), the stored objects with their versions out. Their
// first version is 0 (an applied object never changed since).

// titlesOf reads the title of each locale of l, as Titles wrote them.
func titlesOf(l openentry.Localized) map[string]string {
	out := make(map[string]string, len(l))
	for lang, raw := range l {
		var t struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(raw, &t) // another shape has no title
		out[lang] = t.Title
	}
	return out
}

type setAttributeJSON struct {
	Marker     string                `json:"marker"`
	Type       string                `json:"type"`
	Title      map[string]string     `json:"title"`
	Position   int64                 `json:"position"`
	IsVisible  bool                  `json:"isVisible"`
	ListTitles []openentry.ListTitle `json:"listTitles"`
	Validators openentry.Validators  `json:"validators"`
}

type attributeSetJSON struct {
	ID             int64              `json:"id"`
	Identifier     string             `json:"identifier"`
	Type           string             `json:"type"`
	Title          map[string]string  `json:"title"`
	Position       int64              `json:"position"`
	StockAttribute string             `json:"stockAttribute"`
	Attributes     []setAttributeJSON `json:"attributes"`
	Version        int64              `json:"version"`
	CreatedAt      openentry.Time     `json:"createdAt"`
	UpdatedAt      openentry.Time     `json:"updatedAt"`
}

func toAttributeSetJSON(s openentry.AttributeSet) attributeSetJSON {
	out := attributeSetJSON{ID: s.ID, Identifier: s.Identifier, Type: s.Type, Title: titlesOf(s.LocalizeInfos), Position: s.Position,
		StockAttribute: s.StockAttribute, Attributes: make([]setAttributeJSON, len(s.Attributes)), Version: s.Version,
		CreatedAt: openentry.Time(s.CreatedAt), UpdatedAt: openentry.Time(s.UpdatedAt)}
	for i, a := range s.Attributes {
		out.Attributes[i] = setAttributeJSON{Marker: a.Marker, Type: a.Type, Title: titlesOf(a.LocalizeInfos), Position: a.Position,
			IsVisible: a.IsVisible, ListTitles: a.ListTitles, Validators: a.Validators}
		if a.ListTitles == nil {
			out.Attributes[i].ListTitles = []openentry.ListTitle{}
		}
	}
	return out
}

// setBody is a set to write; an attribute's isVisible defaults to true.
type setBody struct {
	Type           string            `json:"type"`
	Title          map[string]string `json:"title"`
	Position       int64             `json:"position"`
	StockAttribute string            `json:"stockAttribute"`
	Attributes     []struct {
		Marker     string                `json:"marker"`
		Type       string                `json:"type"`
		Title      map[string]string     `json:"title"`
		IsVisible  *bool                 `json:"isVisible"`
		ListTitles []openentry.ListTitle `json:"listTitles"`
		Validators openentry.Validators  `json:"validators"`
	} `json:"attributes"`
}

func (b setBody) edit(marker string, version int64) openentry.AttributeSetEdit {
	s := openentry.ProjectAttributeSet{Identifier: marker, Type: b.Type, Title: b.Title, StockAttribute: b.StockAttribute,
		Attributes: make([]openentry.ProjectSetAttribute, len(b.Attributes))}
	for i, a := range b.Attributes {
		s.Attributes[i] = openentry.ProjectSetAttribute{Marker: a.Marker, Type: a.Type, Title: a.Title,
			Hidden: a.IsVisible != nil && !*a.IsVisible, ListTitles: a.ListTitles, Validators: a.Validators}
	}
	return openentry.AttributeSetEdit{Set: s, Position: b.Position, Version: version}
}

// versionRead is the version a PUT body gives; 0 is a version here.
func versionRead(v *int64) (int64, error) {
	if v == nil || *v < 0 {
		return 0, openentry.Invalid("version: give the version you read")
	}
	return *v, nil
}

// versionFrom reads the version query value of a DELETE; 0 is a version.
func versionFrom(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil || n < 0 {
		return 0, openentry.Invalid("version: give the version you read (?version=N)")
	}
	return n, nil
}

func handleListAttributeSets(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[attributeSetJSON], error) {
		page, err := pageOf(r)
		if err != nil {
			return list[attributeSetJSON]{}, err
		}
		sets, total, err := sf.AttributeSets(r.Context(), a, r.URL.Query().Get("type"), page)
		if err != nil {
			return list[attributeSetJSON]{}, err
		}
		return listOf(sets, total, toAttributeSetJSON), nil
	})
}

func handleGetAttributeSet(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleGetByMarker(logger, sf.AttributeSet, toAttributeSetJSON)
}

func handleCreateAttributeSet(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		setBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (attributeSetJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return attributeSetJSON{}, err
		}
		s, err := sf.CreateAttributeSet(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return attributeSetJSON{}, err
		}
		return toAttributeSetJSON(*s), nil
	})
}

func handleUpdateAttributeSet(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	type request struct {
		Version *int64 `json:"version"`
		setBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (attributeSetJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return attributeSetJSON{}, err
		}
		version, err := versionRead(in.Version)
		if err != nil {
			return attributeSetJSON{}, err
		}
		s, err := sf.UpdateAttributeSet(r.Context(), a, in.edit(r.PathValue("marker"), version))
		if err != nil {
			return attributeSetJSON{}, err
		}
		return toAttributeSetJSON(*s), nil
	})
}

// handleDeleteVersioned deletes the object of the path's marker at the
// query's version.
func handleDeleteVersioned(logger *slog.Logger, del func(r *http.Request, a openentry.Actor, marker string, version int64) error) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		version, err := versionFrom(r)
		if err == nil {
			err = del(r, a, r.PathValue("marker"), version)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleDeleteAttributeSet(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleDeleteVersioned(logger, func(r *http.Request, a openentry.Actor, marker string, version int64) error {
		return sf.DeleteAttributeSet(r.Context(), a, marker, version)
	})
}

type formAttributeJSON struct {
	Marker              string            `json:"marker"`
	Type                string            `json:"type"`
	Title               map[string]string `json:"title"`
	Position            int64             `json:"position"`
	IsRequired          bool              `json:"isRequired"`
	IsLogin             bool              `json:"isLogin"`
	IsPassword          bool              `json:"isPassword"`
	IsNotificationEmail bool              `json:"isNotificationEmail"`
}

type formJSON struct {
	ID             int64               `json:"id"`
	Identifier     string              `json:"identifier"`
	Type           string              `json:"type"`
	ProcessingType string              `json:"processingType"`
	Title          map[string]string   `json:"title"`
	Position       int64               `json:"position"`
	Attributes     []formAttributeJSON `json:"attributes"`
	EntryStatuses  []string            `json:"entryStatuses"`
	EntriesPublic  bool                `json:"entriesPublic"`
	SuccessMessage map[string]string   `json:"successMessage"`
	Version        int64               `json:"version"`
}

func toFormJSON(f openentry.Form) formJSON {
	out := formJSON{ID: f.ID, Identifier: f.Identifier, Type: f.Type, ProcessingType: f.ProcessingType, Title: titlesOf(f.LocalizeInfos),
		Position: f.Position, Attributes: make([]formAttributeJSON, len(f.Attributes)), EntryStatuses: f.EntryStatuses,
		EntriesPublic: f.EntriesPublic, SuccessMessage: titlesOf(f.SuccessMessage), Version: f.Version}
	for i, a := range f.Attributes {
		out.Attributes[i] = formAttributeJSON{Marker: a.Marker, Type: a.Type, Title: titlesOf(a.LocalizeInfos), Position: a.Position,
			IsRequired: a.IsRequired, IsLogin: a.IsLogin, IsPassword: a.IsPassword, IsNotificationEmail: a.IsNotificationEmail}
	}
	if out.EntryStatuses == nil {
		out.EntryStatuses = []string{}
	}
	return out
}

// formBody is a form to write, as the project file gives one.
type formBody struct {
	Type           string                       `json:"type"`
	ProcessingType string                       `json:"processingType"`
	Title          map[string]string            `json:"title"`
	Position       int64                        `json:"position"`
	Attributes     []openentry.ProjectAttribute `json:"attributes"`
	EntryStatuses  []string                     `json:"entryStatuses"`
	EntriesPublic  bool                         `json:"entriesPublic"`
	SuccessMessage map[string]string            `json:"successMessage"`
}

func (b formBody) edit(marker string, version int64) openentry.FormEdit {
	return openentry.FormEdit{Position: b.Position, Version: version, Form: openentry.ProjectForm{Identifier: marker, Type: b.Type,
		ProcessingType: b.ProcessingType, Title: b.Title, Attributes: b.Attributes, EntryStatuses: b.EntryStatuses,
		EntriesPublic: b.EntriesPublic, SuccessMessage: b.SuccessMessage}}
}

func handleListForms(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleListPaged(logger, sf.Forms, toFormJSON)
}

func handleGetForm(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleGetByMarker(logger, sf.Form, toFormJSON)
}

func handleCreateForm(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		formBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (formJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return formJSON{}, err
		}
		f, err := sf.CreateForm(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return formJSON{}, err
		}
		return toFormJSON(*f), nil
	})
}

func handleUpdateForm(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	type request struct {
		Version *int64 `json:"version"`
		formBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (formJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return formJSON{}, err
		}
		version, err := versionRead(in.Version)
		if err != nil {
			return formJSON{}, err
		}
		f, err := sf.UpdateForm(r.Context(), a, in.edit(r.PathValue("marker"), version))
		if err != nil {
			return formJSON{}, err
		}
		return toFormJSON(*f), nil
	})
}

func handleDeleteForm(logger *slog.Logger, sf *shop.SetsForms) actorHandler {
	return handleDeleteVersioned(logger, func(r *http.Request, a openentry.Actor, marker string, version int64) error {
		return sf.DeleteForm(r.Context(), a, marker, version)
	})
}
