package sqlstore

import "crypto/sha256"

// digestOf is how a secret token is stored and looked up: by its SHA-256.
func digestOf(token string) []byte {
	d := sha256.Sum256([]byte(token))
	return d[:]
}
