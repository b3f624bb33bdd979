package observe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

func TestParseProcRange(t *testing.T) {
	r, err := ParseProcRange("32768\t60999\n")
	require.NoError(t, err)
	assert.Equal(t, linuxRange, r)
	for _, bad := range []string{"", "32768", "32768 60999 1", "a 60999", "70000 80000", "60999 32768"} {
		_, err := ParseProcRange(bad)
		assert.Error(t, err, bad)
	}
}

// The output of netsh on Windows 10 (Microsoft KB 929851 shows the same
// two lines), and a translated one.
func TestParseNetsh(t *testing.T) {
	r, err := ParseNetsh("\r\nProtocol tcp Dynamic Port Range\r\n---------------------------------\r\nStart Port      : 49152\r\nNumber of Ports : 16384\r\n\r\n")
	require.NoError(t, err)
	assert.Equal(t, highRange, r)
	r, err = ParseNetsh("Protocole tcp Plage de ports dynamique\n---\nPort de démarrage : 10000\nNombre de ports  : 1000\n")
	require.NoError(t, err)
	assert.Equal(t, engine.Range{Lo: 10000, Hi: 10999}, r)
	for _, bad := range []string{"", "Start Port : 49152", "Start Port : 60000\nNumber of Ports : 16384", "Start Port : x\nNumber of Ports : 5", "Start Port : 0\nNumber of Ports : 10"} {
		_, err := ParseNetsh(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseNetsh(f *testing.F) {
	f.Add("Start Port      : 49152\r\nNumber of Ports : 16384\r\n")
	f.Add(": 1\n: 65535")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseNetsh(s)
		if err == nil {
			assert.True(t, r.Lo >= 1 && r.Lo <= r.Hi, "%q gave %s", s, r)
		}
	})
}

func FuzzParseProcRange(f *testing.F) {
	f.Add("32768\t60999\n")
	f.Add("1 1")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseProcRange(s)
		if err == nil {
			assert.True(t, r.Lo >= 1 && r.Lo <= r.Hi, "%q gave %s", s, r)
		}
	})
}

// Where the OS does not tell, the profile's default stands in, said so.
func TestReadSystemRange(t *testing.T) {
	p, err := engine.ProfileByName("linux")
	require.NoError(t, err)
	s := ReadSystemRange(p)
	if _, _, err := systemRange(); err != nil {
		assert.True(t, s.Inferred)
		assert.Equal(t, p.Ephemeral, s.Range)
		assert.Contains(t, s.Source, "is assumed")
		return
	}
	assert.False(t, s.Inferred)
	assert.NotEmpty(t, s.Source)
}
