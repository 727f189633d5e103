package soak

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestConfigReadsTheEnvironmentAndRefusesNonsense(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	g := NewWithT(t)
	c, err := loadConfig(env(nil))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c).To(Equal(config{rooms: shortRooms, seed: shortSeed, window: shortWindow}))

	c, err = loadConfig(env(map[string]string{"SOAK_ROOMS": "50", "SOAK_SEED": "18446744073709551615", "SOAK_DURATION": "5m"}))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c).To(Equal(config{rooms: 50, seed: 18446744073709551615, window: 5 * time.Minute, long: true}))

	for _, tc := range []struct{ key, val, says string }{
		{"SOAK_ROOMS", "0", "from 1 to 500"},
		{"SOAK_ROOMS", "many", "from 1 to 500"},
		{"SOAK_ROOMS", "501", "from 1 to 500"},
		{"SOAK_SEED", "-1", "unsigned integer"},
		{"SOAK_DURATION", "5", "e.g. 5m"},
		{"SOAK_DURATION", "1s", "from 10s"},
		{"SOAK_DURATION", "3h", "to 2h0m0s"},
	} {
		_, err := loadConfig(env(map[string]string{tc.key: tc.val}))
		g.Expect(err).To(MatchError(And(ContainSubstring(tc.key), ContainSubstring(tc.says))), "%s=%s", tc.key, tc.val)
	}
}

func TestTheHarnessWalksAwayFromFewRoomsOnly(t *testing.T) {
	g := NewWithT(t)
	short := config{rooms: 4}
	g.Expect([]bool{short.walksAway(0), short.walksAway(2), short.walksAway(3)}).To(Equal([]bool{false, false, true}))
	g.Expect(config{rooms: 1}.walksAway(0)).To(BeFalse(), "a one-room soak must play its room to the end")
	long, walked := config{rooms: 50, long: true}, 0
	for i := range 50 {
		if long.walksAway(i) {
			walked++
		}
	}
	g.Expect(walked).To(Equal(5))
}
