package httpapi

import (
	_ "embed" // for openapi.json
	"net/http"
	"strconv"
)

// openapiJSON is the OpenAPI 3 document of every route in routes.go, written
// by hand. openapi_test.go checks it against routes.go and validates real
// requests and responses against it, so that it cannot drift from the code.
//
//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the OpenAPI 3 document served at GET /api-docs/openapi.json.
// The slice is shared: callers must not modify it.
func OpenAPI() []byte { return openapiJSON }

// handleOpenAPI serves GET /api-docs/openapi.json. It needs no app token: the
// document describes the API, it holds no data.
func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(openapiJSON)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(openapiJSON) // the client is gone if this fails; nothing to do
	})
}
