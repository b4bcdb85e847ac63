package result

import (
	"os"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]float64{50: 50, 95: 95, 99: 99, 100: 100, 1: 1} {
		if got := Percentile(s, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty")
	}
}

func TestRecorder(t *testing.T) {
	r := NewRecorder()
	r.Add("a", 2*time.Millisecond, true)
	r.Add("a", 4*time.Millisecond, false)
	r.Add("b", 1*time.Millisecond, true)
	p := r.Phase(2, time.Second)
	if p.Requests != 3 || p.Errors != 1 || p.QPS != 2 || p.P50 != 2 || p.Max != 4 {
		t.Fatalf("phase %+v", p)
	}
	if k := r.KindP50(); k["a"] != 2 || k["b"] != 1 {
		t.Fatalf("kinds %v", k)
	}
}

func TestProcMem(t *testing.T) {
	rss, hwm, err := ProcMem(os.Getpid())
	if err != nil {
		t.Skip("no /proc:", err)
	}
	if rss <= 0 || hwm < rss {
		t.Fatalf("rss %d hwm %d", rss, hwm)
	}
}
