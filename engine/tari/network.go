package tari

import (
	"fmt"
	"strings"
)

// Network is the Tari network byte carried in every address.
type Network byte

// The networks a v1.10 server knows.
const (
	MainNet   Network = 0x00
	StageNet  Network = 0x01
	NextNet   Network = 0x02
	LocalNet  Network = 0x10
	Igor      Network = 0x24
	Esmeralda Network = 0x26
)

// String returns the serde/Display name, e.g. "mainnet".
func (n Network) String() string {
	switch n {
	case MainNet:
		return "mainnet"
	case StageNet:
		return "stagenet"
	case NextNet:
		return "nextnet"
	case LocalNet:
		return "localnet"
	case Igor:
		return "igor"
	case Esmeralda:
		return "esmeralda"
	}
	return fmt.Sprintf("Network(%#02x)", byte(n))
}

// Valid reports whether n is a known network byte.
func (n Network) Valid() bool {
	switch n {
	case MainNet, StageNet, NextNet, LocalNet, Igor, Esmeralda:
		return true
	}
	return false
}

// ParseNetwork reads a network name case-insensitively; "esme" is an alias
// for esmeralda.
func ParseNetwork(name string) (Network, error) {
	switch strings.ToLower(name) {
	case "mainnet":
		return MainNet, nil
	case "stagenet":
		return StageNet, nil
	case "nextnet":
		return NextNet, nil
	case "localnet":
		return LocalNet, nil
	case "igor":
		return Igor, nil
	case "esmeralda", "esme":
		return Esmeralda, nil
	}
	return 0, fmt.Errorf("Invalid network or network not supported: %s", name)
}
