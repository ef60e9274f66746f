package adminapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sync"
)

// The admin API's OpenAPI document is kept in one file per area
// (openapi/NN_area.json), merged here: paths and component schemas of
// every file, the first file's info, servers and security schemes.
//
//go:embed openapi/*.json
var openapiFiles embed.FS

var openapiOnce = sync.OnceValues(mergeOpenAPI)

// OpenAPI returns the merged document served at /api/admin/openapi.json.
// It panics if a part is malformed, which a test catches.
func OpenAPI() []byte {
	b, err := openapiOnce()
	if err != nil {
		panic(err)
	}
	return b
}

func mergeOpenAPI() ([]byte, error) {
	names, err := fs.Glob(openapiFiles, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var doc map[string]any
	for _, name := range names {
		data, err := openapiFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := json.Unmarshal(data, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if doc == nil {
			doc = part
			continue
		}
		if err := mergeSection(doc, part, name, "paths"); err != nil {
			return nil, err
		}
		if err := mergeSection(sub(doc, "components"), sub(part, "components"), name, "schemas"); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func sub(m map[string]any, key string) map[string]any {
	if v, ok := m[key].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[key] = v
	return v
}

// mergeSection copies part[key]'s entries into doc[key]; one name in two
// files is an error.
func mergeSection(doc, part map[string]any, file, key string) error {
	dst := sub(doc, key)
	for k, v := range sub(part, key) {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("%s: %s %q is in another part too", file, key, k)
		}
		dst[k] = v
	}
	return nil
}

func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI())
	})
}
