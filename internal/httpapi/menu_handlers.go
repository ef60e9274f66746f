package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// handleGetLocales serves GET /locales/active/all (JS: Locales.getLocales).
func handleGetLocales(logger *slog.Logger, locales openentry.LocaleService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireLocale, error) {
		all, err := locales.Locales(r.Context())
		if err != nil {
			return nil, err
		}
		out := make([]wireLocale, len(all))
		for i := range all {
			out[i] = toWireLocale(&all[i])
		}
		return out, nil
	})
}

// handleGetMenu serves GET /menus/marker/{marker} (JS: Menus.getMenusByMarker).
func handleGetMenu(logger *slog.Logger, menus openentry.MenuService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireMenu, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		m, err := menus.Menu(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireMenu(m, q.Lang, linkBase(r))
		return &out, nil
	})
}
