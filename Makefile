# Morph: the two commands a new machine needs are `make demo` and `make test`; `make install` puts morph on the PATH.
SWIFT ?= swift
PREFIX ?= /usr/local
RELEASE_FLAGS = -c release -Xswiftc -enable-testing
# The app (demo, install, bench) builds in its own folder, so `make test` and `make demo` never rebuild each other.
APP_BUILD = .build-release
APP_FLAGS = -c release --scratch-path $(APP_BUILD)
MORPH_BIN ?= $(APP_BUILD)/release/morph

.PHONY: deps build demo test bench install install-files fuzz fuzz-bundle mutants

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(APP_FLAGS) --product morph

demo: build
	MORPH=$(MORPH_BIN) bash scripts/demo.sh

test: deps
	$(SWIFT) build $(RELEASE_FLAGS) --build-tests
	$(SWIFT) test $(RELEASE_FLAGS) --skip-build

bench: build
	$(MORPH_BIN) bench

# PREFIX/bin/morph and the built-in models in PREFIX/share/morph/models, where the installed morph looks for them.
install: build
	@$(MAKE) --no-print-directory install-files

install-files:
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/morph/models"
	install -m 755 "$(MORPH_BIN)" "$(DESTDIR)$(PREFIX)/bin/morph"
	install -m 644 models/*.safetensors "$(DESTDIR)$(PREFIX)/share/morph/models/"

# Mutation check (outside `make test`: one rebuild per mutant): scripts/mutants.tsv lists the spots.
mutants: deps
	bash scripts/mutants.sh

# libFuzzer + AddressSanitizer on every loader, FUZZ_SECONDS (default 120) each (scripts/fuzz.sh).
fuzz: deps
	bash scripts/fuzz.sh

# The harnesses packed for a machine without Swift: .dev/fuzz.tar.xz (scripts/fuzz-bundle.sh).
fuzz-bundle: deps
	bash scripts/fuzz-bundle.sh
