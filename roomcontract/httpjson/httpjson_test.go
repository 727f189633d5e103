package httpjson

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRefuseRetryWritesTheSharedShape(t *testing.T) {
	rec := httptest.NewRecorder()
	RefuseRetry(rec, http.StatusServiceUnavailable, 5, "no_room", "retry later")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d", rec.Code)
	}
	for k, want := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "Retry-After": "5"} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	var fields map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &fields); err != nil {
		t.Fatal(err)
	}
	if len(fields) != 2 || fields["code"] != "no_room" || fields["message"] != "retry later" {
		t.Fatalf("body %s", rec.Body)
	}
}
