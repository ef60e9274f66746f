package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// codeRequest is the body of generate-code, check-code, activate and change-password.
type codeRequest struct {
	UserIdentifier  string `json:"userIdentifier"`
	EventIdentifier string `json:"eventIdentifier"`
	Code            string `json:"code"`
	Type            int    `json:"type"`
	Password1       string `json:"password1"`
	Password2       string `json:"password2"`
}

func decodeCodeRequest(w http.ResponseWriter, r *http.Request) (codeRequest, error) {
	in, err := decode[codeRequest](w, r)
	if err == nil && in.UserIdentifier == "" {
		err = badRequest("userIdentifier should not be empty")
	}
	return in, err
}

// handleGenerateCode serves POST …/users/generate-code (JS: AuthProvider.generateCode).
func handleGenerateCode(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (bool, error) {
		in, err := decodeCodeRequest(w, r)
		if err != nil {
			return false, err
		}
		return true, auth.GenerateCode(r.Context(), r.PathValue("marker"), in.UserIdentifier, in.EventIdentifier)
	})
}

// handleCheckCode serves POST …/users/check-code (JS: AuthProvider.checkCode).
func handleCheckCode(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (bool, error) {
		in, err := decodeCodeRequest(w, r)
		if err != nil {
			return false, err
		}
		return true, auth.CheckCode(r.Context(), r.PathValue("marker"), in.UserIdentifier, in.EventIdentifier, in.Code)
	})
}

// handleActivate serves POST …/users/activate (JS: AuthProvider.activateUser).
func handleActivate(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (bool, error) {
		in, err := decodeCodeRequest(w, r)
		if err != nil {
			return false, err
		}
		return true, auth.Activate(r.Context(), r.PathValue("marker"), in.UserIdentifier, in.Code)
	})
}

// handleChangePassword serves POST …/users/change-password (JS: AuthProvider.changePassword).
func handleChangePassword(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (bool, error) {
		in, err := decodeCodeRequest(w, r)
		if err != nil {
			return false, err
		}
		return true, auth.ChangePassword(r.Context(), openentry.PasswordChange{
			Address: device(r).Address, Provider: r.PathValue("marker"), UserIdentifier: in.UserIdentifier, Event: in.EventIdentifier,
			Code: in.Code, Type: in.Type, Password1: in.Password1, Password2: in.Password2,
		})
	})
}

// handleLogoutAll serves POST …/users/logout-all (JS: AuthProvider.logoutAll).
func handleLogoutAll(logger *slog.Logger, auth openentry.AuthService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		return true, auth.LogoutAll(r.Context(), p)
	})
}

type wireDeviceSession struct {
	Fingerprint string          `json:"fingerprint"`
	DeviceInfo  json.RawMessage `json:"deviceInfo"`
	CreatedDate openentry.Time  `json:"createdDate"`
	UpdatedDate openentry.Time  `json:"updatedDate"`
}

// handleGetDeviceSessions serves GET …/users/sessions (JS: AuthProvider.getActiveSessionsByMarker).
func handleGetDeviceSessions(logger *slog.Logger, auth openentry.AuthService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) ([]wireDeviceSession, error) {
		sessions, err := auth.Sessions(r.Context(), p)
		if err != nil {
			return nil, err
		}
		out := make([]wireDeviceSession, len(sessions))
		for i, s := range sessions {
			out[i] = wireDeviceSession{Fingerprint: s.Fingerprint, DeviceInfo: s.DeviceInfo,
				CreatedDate: openentry.Time(s.CreatedAt), UpdatedDate: openentry.Time(s.LastUsedAt)}
		}
		return out, nil
	})
}

// handleUpdateMe serves PUT /users/me (JS: Users.updateUser).
func handleUpdateMe(logger *slog.Logger, users openentry.UserService) userHandler {
	type request struct {
		FormIdentifier   string               `json:"formIdentifier"`
		LangCode         string               `json:"langCode"`
		FormData         json.RawMessage      `json:"formData"`
		AuthData         []openentry.AuthData `json:"authData"`
		NotificationData *struct {
			Email string `json:"email"`
		} `json:"notificationData"`
		State json.RawMessage `json:"state"`
	}
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return false, err
		}
		lang, err := bodyLang(in.LangCode)
		if err != nil {
			return false, err
		}
		data, err := parseFormData(in.FormData, lang)
		if err != nil {
			return false, err
		}
		update := openentry.UserUpdate{Address: device(r).Address, FormIdentifier: in.FormIdentifier, FormData: data, AuthData: in.AuthData}
		if len(in.State) > 0 && string(in.State) != "null" {
			update.State = in.State
		}
		if in.NotificationData != nil && in.NotificationData.Email != "" {
			update.NotificationEmail = &in.NotificationData.Email
		}
		return true, users.UpdateUser(r.Context(), p, update)
	})
}

// handleArchiveMe serves DELETE /users/me (JS: Users.archiveUser).
func handleArchiveMe(logger *slog.Logger, users openentry.UserService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		return true, users.ArchiveUser(r.Context(), p)
	})
}

// handleDeleteMe serves DELETE /users/me/account (JS: Users.deleteUser).
func handleDeleteMe(logger *slog.Logger, users openentry.UserService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		return true, users.DeleteUser(r.Context(), p)
	})
}

// handlePushToken serves POST and DELETE /users/me/fcm-token/{token} (JS:
// Users.addFCMToken, deleteFCMToken).
func handlePushToken(logger *slog.Logger, status int, change func(context.Context, openentry.Principal, string) error) userHandler {
	return handleUser(logger, status, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		return true, change(r.Context(), p, r.PathValue("token"))
	})
}
