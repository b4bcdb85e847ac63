package flagenv

import "testing"

func TestString(t *testing.T) {
	t.Setenv("FLAGENV_TEST_SET", "value")
	t.Setenv("FLAGENV_TEST_EMPTY", "")
	for _, c := range []struct{ name, want string }{
		{"FLAGENV_TEST_SET", "value"},
		{"FLAGENV_TEST_EMPTY", "default"},
		{"FLAGENV_TEST_UNSET", "default"},
	} {
		if got := String(c.name, "default"); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
