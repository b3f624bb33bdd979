package lesson

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportEvents(t *testing.T) {
	ss := NewSession(builtin(t), DefaultSettings(), nil, &MemStore{})
	require.NoError(t, ss.LoadScenario("mine.txt", twoServers))
	ss.SeekTo(5 * time.Second)
	ss.Do(ActEvents)
	for _, kind := range []EventKind{AllEvents, PortEvents, ErrorEvents} {
		t.Run(kind.String(), func(t *testing.T) {
			for ss.View().EventList.Kind != kind {
				ss.Do(ActEventKind)
			}
			total := ss.View().EventList.Total

			x, err := ss.ExportEvents(false)
			require.NoError(t, err)
			assert.Equal(t, "portplay-yours-seed3.events.csv", x.Name)
			rows, err := csv.NewReader(bytes.NewReader(x.Data)).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, total+1, "a header and every event the list holds")
			assert.Equal(t, []string{"n", "t", "host", "kind", "event", "local", "remote", "state", "errno", "text"}, rows[0])

			x, err = ss.ExportEvents(true)
			require.NoError(t, err)
			var got []exportedEvent
			require.NoError(t, json.Unmarshal(x.Data, &got))
			require.Len(t, got, total)
			for i, e := range got {
				assert.LessOrEqual(t, e.T, 5.0)
				assert.NotEmpty(t, e.Text)
				if kind != AllEvents {
					assert.Equal(t, kind.String(), e.Kind)
				}
				assert.Equal(t, rows[i+1][0], itoa(e.N), "CSV and JSON list the same events")
				assert.Equal(t, rows[i+1][9], e.Text)
			}
		})
	}
}

// csvRow writes what encoding/csv's Writer writes, field for field.
func TestCSVRowMatchesEncodingCSV(t *testing.T) {
	for _, row := range [][]string{
		{"plain", "", "two words"},
		{"a,b", `say "hi"`, "line\nbreak", "cr\rhere"},
		{" leading space", "\tleading tab", `\.`, "trailing "},
		{"ünïcödé", "ESTABLISHED", "10.0.0.10:49152"},
	} {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		require.NoError(t, w.Write(row))
		w.Flush()
		assert.Equal(t, want.String(), string(csvRow(nil, row...)), "%q", row)
		back, err := csv.NewReader(bytes.NewReader(csvRow(nil, row...))).Read()
		require.NoError(t, err)
		assert.Equal(t, row, back)
	}
}
