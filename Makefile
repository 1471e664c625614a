# Morph: the two commands a new machine needs are `make demo` and `make test`.
SWIFT ?= swift
RELEASE_FLAGS = -c release -Xswiftc -enable-testing

.PHONY: deps build demo test bench fuzz fuzz-bundle mutants

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product morph

demo: build
	bash scripts/demo.sh

test: deps
	$(SWIFT) build $(RELEASE_FLAGS) --build-tests
	$(SWIFT) test $(RELEASE_FLAGS) --skip-build

bench: build
	.build/release/morph bench

# Mutation check (outside `make test`: one rebuild per mutant): scripts/mutants.tsv lists the spots.
mutants: deps
	bash scripts/mutants.sh

# libFuzzer + AddressSanitizer on every loader, FUZZ_SECONDS (default 120) each (scripts/fuzz.sh).
fuzz: deps
	bash scripts/fuzz.sh

# The harnesses packed for a machine without Swift: .dev/fuzz.tar.xz (scripts/fuzz-bundle.sh).
fuzz-bundle: deps
	bash scripts/fuzz-bundle.sh
