package game

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portplay/portplay/engine"
)

// The scene must show exactly what the engine decides: the same picks as a
// client host of the same profile and seed connecting to the two servers.
func TestPorts80ShowsTheEnginesPicks(t *testing.T) {
	for _, p := range engine.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			for _, seed := range []uint64{0, 1, 7, 1 << 40} {
				sc, err := newPorts80(Settings{Profile: p.Name, Seed: seed})
				require.NoError(t, err)

				client, err := engine.NewHost(engine.HostConfig{Name: "client", Addr: clientAddr, Profile: p, Seed: seed})
				require.NoError(t, err)
				for i, dst := range []netip.Addr{webAAddr, webBAddr} {
					want, err := client.Connect(engine.TCP, netip.AddrPortFrom(dst, 80))
					require.NoError(t, err)
					got := sc.connections()[i]
					assert.Equal(t, want, got)
					assert.True(t, p.Ephemeral.Contains(engine.Port(got.Local.Port())), "%s: port %d outside %s", p.Name, got.Local.Port(), p.Ephemeral)
					assert.Equal(t, clientAddr, got.Local.Addr())
				}
			}
		})
	}
}

func TestPorts80NarrationUsesTheProfile(t *testing.T) {
	for _, p := range engine.Profiles() {
		sc, err := newPorts80(Settings{Profile: p.Name, Seed: 1})
		require.NoError(t, err)
		n := sc.narration()
		assert.Contains(t, n, p.Ephemeral.String(), p.Name)
		assert.Contains(t, n, p.Title, p.Name)
	}
}

func TestPorts80ServerRowsMirrorTheConnections(t *testing.T) {
	sc, err := newPorts80(Settings{Profile: "linux", Seed: 3})
	require.NoError(t, err)
	for i, c := range sc.connections() {
		server := sc.hosts[i+1]
		require.Len(t, server.rows, 2)
		assert.Equal(t, "LISTEN", server.rows[0].state)
		assert.Contains(t, server.rows[1].text, c.Local.String(), "the server's row names the client's ephemeral port")
	}
	require.Len(t, sc.hosts[0].rows, 2)
}
