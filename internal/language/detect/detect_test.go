package detect

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	d := New()
	for text, want := range map[string]string{
		"The prime minister said on Tuesday that the government would not raise taxes before the election.": "en",
		"Die Bundesregierung hat am Dienstag beschlossen, die Steuern vor der Wahl nicht zu erhöhen.":       "de",
		"Le gouvernement a annoncé mardi qu'il n'augmenterait pas les impôts avant les élections.":          "fr",
		"El gobierno anunció el martes que no subirá los impuestos antes de las elecciones generales.":      "es",
		"Il governo ha annunciato martedì che non aumenterà le tasse prima delle elezioni.":                 "it",
		"北京地铁公司今天宣布，新的地铁线路将在明年年底前建成并投入运营，方便沿线市民出行。":                                                         "zh",
		"東京都は今日、新しい地下鉄の路線を来年末までに開業すると発表しました。":                                                               "ja",
		"Правительство объявило во вторник, что не будет повышать налоги до выборов.":                       "ru",
		"OK 123": "und",
		"ALBERTSON'S INC <ABS> 4TH QTR JAN 29 NET\n\nBOISE, Idaho, March 2 - Shr 92 cts vs 83 cts\n\nNet 30.8 mln vs 27.5 mln\n\nSales 1.40 billion vs 1.32 billion": "en",
		// English wire stories that name foreign institutions or carry a
		// few words that are common words of another language ("per",
		// the "y" of N.Y.), which lingua names French, Dutch or German.
		"FRENCH BANQUE REGIONALE DES ALPES PLANS BOND\nLYON, April 2 - Banque Regionale des Alpes is planning a two billion French franc bond, the bank said on Thursday.\nThe issue will be arranged by Societe Generale du Rhone and Caisse Centrale de Credit Mutuel du Nord.":                                                  "en",
		"VERENIGDE HOLLANDSCHE DRUKKERIJEN <VHD.AS>\nROTTERDAM, Netherlands, April 3 - Net 1986 profit 41.2 mln guilders vs 38.9 mln\nTurnover 920 mln guilders vs 870 mln\nEarnings per share 7.10 guilders vs 6.80, dividend per share 2.50 guilders vs 2.20\nNote - Full company name is Verenigde Hollandsche Drukkerijen NV.": "en",
		"PELLWORTH SYSTEMS INC <PLWS> 2ND QTR LOSS\nALBANY, N.Y., April 6 - Shr loss nine cts vs loss 14 cts\nNet loss 311,420 vs loss 502,118\nRevs 1,804,377 vs 1,290,604\nAvg shrs 3,410,200 vs 3,398,755\nSix mths\nShr loss 31 cts vs loss 40 cts\nNet loss 1,060,912 vs loss 1,355,780":                                      "en",
		// Prose of a language quoting a few English words is still it.
		"Die Regierung hat am Dienstag gesagt, dass der Plan \"on the table\" bleibt und die Steuern nicht steigen.": "de",
	} {
		if got := d.Detect(text); got != want {
			t.Errorf("%.30q…: %s, want %s", text, got, want)
		}
	}
}

// TestDetectorCost reports what detection costs the indexer (one call per
// article, on its first 1,000 characters), over 500 BBC articles.
func TestDetectorCost(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpus/bbc/*/*.txt")
	if len(files) == 0 {
		t.Skip("no ../shared/corpus/bbc")
	}
	files = files[:min(len(files), 500)]
	var texts []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	d := New()
	start := time.Now()
	d.Detect(texts[0])
	load := time.Since(start)
	start = time.Now()
	counts := map[string]int{}
	for _, s := range texts {
		counts[d.Detect(s)]++
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	t.Logf("first call (loads the models) %v; %d articles in %v (%.2f ms each); heap +%d MiB; %v",
		load, len(texts), took, float64(took.Microseconds())/1000/float64(len(texts)), (int64(m1.HeapAlloc)-int64(m0.HeapAlloc))>>20, counts)
	if counts["en"] < len(texts)*9/10 {
		t.Errorf("English seeds: %v", counts)
	}
}

// TestPlainEnglish: the shortcut takes English news for English and no
// other language for it.
func TestPlainEnglish(t *testing.T) {
	for text, want := range map[string]bool{
		"The prime minister said on Tuesday that the government would not raise taxes before the election, and that it was time for a change.":                                                                                                                                                  true,
		"Die Bundesregierung hat am Dienstag beschlossen, die Steuern vor der Wahl nicht zu erhöhen, und das ist ein wichtiges Signal für die Wirtschaft.":                                                                                                                                      false,
		"De regering heeft dinsdag besloten de belastingen voor de verkiezingen niet te verhogen, en dat is een belangrijk signaal voor de economie.":                                                                                                                                           false,
		"Le gouvernement a annoncé mardi qu'il n'augmenterait pas les impôts avant les élections, et que la situation est sous contrôle.":                                                                                                                                                       false,
		"El gobierno anunció el martes que no subirá los impuestos antes de las elecciones, y que la situación está bajo control.":                                                                                                                                                              false,
		"Il governo ha annunciato martedì che non aumenterà le tasse prima delle elezioni, e che la situazione è sotto controllo.":                                                                                                                                                              false,
		"PALL CORP <PLL> SECOND QUARTER SALES, ORDERS UP\n\nBy Reuters Staff (Reuters) 13:24, March 2, 1987\n\nCHICAGO, March 2 - Pall Corp said sales for the second quarter ended January 31 were up 17.5 pct to 94.0 mln dlrs from 80.0 mln dlrs a year before and orders were up 15.5 pct.": true,
		"Regeringen meddelade på tisdagen att den inte kommer att höja skatterna före valet, och att läget är under kontroll.":                                                                                                                                                                  false,
	} {
		if got := plainEnglish(text); got != want {
			t.Errorf("%.40s…: %v", text, got)
		}
	}
}
