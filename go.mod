module taripay

go 1.26.8

require (
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875
	github.com/gtank/ristretto255 v0.1.2
	github.com/joho/godotenv v1.5.1
	github.com/spf13/cobra v1.10.2
	golang.org/x/crypto v0.58.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
