package adminapi

import (
	"encoding/json"
	"time"

	"github.com/openentry/openentry"
)

var noTime time.Time

type staffJSON struct {
	ID        int64          `json:"id"`
	Email     string         `json:"email"`
	Name      string         `json:"name"`
	Role      openentry.Role `json:"role"`
	Disabled  bool           `json:"disabled"`
	Version   int64          `json:"version"`
	CreatedAt openentry.Time `json:"createdAt"`
	UpdatedAt openentry.Time `json:"updatedAt"`
}

func toStaffJSON(s openentry.Staff) staffJSON {
	return staffJSON{ID: s.ID, Email: s.Email, Name: s.Name, Role: s.Role, Disabled: s.Disabled, Version: s.Version,
		CreatedAt: openentry.Time(s.CreatedAt), UpdatedAt: openentry.Time(s.UpdatedAt)}
}

type actorJSON struct {
	Kind string         `json:"kind"`
	ID   int64          `json:"id"`
	Name string         `json:"name"`
	Role openentry.Role `json:"role"`
}

func toActorJSON(a openentry.Actor) actorJSON {
	return actorJSON{Kind: a.Kind, ID: a.ID, Name: a.Name, Role: a.Role}
}

type apiKeyJSON struct {
	ID        int64           `json:"id"`
	Name      string          `json:"name"`
	Prefix    string          `json:"prefix"`
	Role      openentry.Role  `json:"role"`
	CreatedBy int64           `json:"createdBy"`
	CreatedAt openentry.Time  `json:"createdAt"`
	RevokedAt *openentry.Time `json:"revokedAt"`
}

func toAPIKeyJSON(k openentry.APIKey) apiKeyJSON {
	out := apiKeyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: k.Role, CreatedBy: k.CreatedBy, CreatedAt: openentry.Time(k.CreatedAt)}
	if k.RevokedAt != nil {
		t := openentry.Time(*k.RevokedAt)
		out.RevokedAt = &t
	}
	return out
}

type auditJSON struct {
	ID         int64           `json:"id"`
	At         openentry.Time  `json:"at"`
	ActorKind  string          `json:"actorKind"`
	ActorID    int64           `json:"actorId"`
	ActorName  string          `json:"actorName"`
	Action     string          `json:"action"`
	ObjectKind string          `json:"objectKind"`
	ObjectID   string          `json:"objectId"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"requestId"`
	Address    string          `json:"address"`
}

func toAuditJSON(e openentry.AuditEntry) auditJSON {
	return auditJSON{ID: e.ID, At: openentry.Time(e.At), ActorKind: e.ActorKind, ActorID: e.ActorID, ActorName: e.ActorName,
		Action: e.Action, ObjectKind: e.ObjectKind, ObjectID: e.ObjectID, Before: e.Before, After: e.After,
		RequestID: e.RequestID, Address: e.Address}
}
